using System.Collections.Concurrent;
using IngestLayer.Client;

namespace IngestLayer.ClientTests;

/// <summary>A full queue: the newest event is dropped and reported, or (OverflowPolicy.Wait) IngestAsync waits for room.</summary>
public sealed class OverflowTests : IAsyncLifetime
{
    private FakeIngestServer _server = null!;
    private readonly ConcurrentQueue<IngestLayerError> _errors = new();
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task InitializeAsync()
    {
        _server = await FakeIngestServer.StartAsync();
        _server.Gate = _gate.Task;
    }

    public async Task DisposeAsync()
    {
        _gate.TrySetResult();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task a_full_queue_drops_the_newest_event_and_reports_it()
    {
        await using var client = TestClients.Create(_server, _errors, o => (o.BatchSize, o.MaxQueueSize) = (1, 2));

        Assert.True(client.Track("first", userId: "u1"));
        await _server.WaitForRequestsAsync(1); // in flight, held by the gate: the queue is empty again
        Assert.True(client.Track("second", userId: "u1"));
        Assert.True(client.Track("third", userId: "u1"));
        Assert.False(client.Track("fourth", userId: "u1"));
        Assert.False(await client.IngestAsync("fifth", userId: "u1"));

        Assert.Equal(["fourth", "fifth"], _errors.Select(e => Assert.Single(e.Events).Event.Event));
        Assert.All(_errors, e => Assert.Equal(IngestLayerErrorKind.Dropped, e.Kind));

        _gate.SetResult();
        await client.FlushAsync();
        Assert.Equal(["first", "second", "third"], _server.Requests.Select(r => Assert.Single(r.Events)["event"]!.GetValue<string>()));
        Assert.Equal(new IngestLayerClientStats(3, 3, 2, 0), client.Stats);
    }

    [Fact]
    public async Task with_the_wait_policy_IngestAsync_waits_for_room()
    {
        await using var client = TestClients.Create(_server, _errors, o => (o.BatchSize, o.MaxQueueSize, o.Overflow) = (1, 1, OverflowPolicy.Wait));

        Assert.True(await client.IngestAsync("first", userId: "u1"));
        await _server.WaitForRequestsAsync(1);
        Assert.True(await client.IngestAsync("second", userId: "u1"));
        var third = client.IngestAsync("third", userId: "u1").AsTask();
        await Task.Delay(200); // absence of progress can only be shown by waiting
        Assert.False(third.IsCompleted, "IngestAsync should wait while the queue is full");

        _gate.SetResult();
        Assert.True(await third.WaitAsync(TimeSpan.FromSeconds(10)));
        await client.FlushAsync();
        Assert.Equal(3, client.Stats.Delivered);
        Assert.Empty(_errors);
    }
}
