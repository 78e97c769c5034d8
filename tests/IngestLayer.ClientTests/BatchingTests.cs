using System.Collections.Concurrent;
using IngestLayer.Client;
using Microsoft.Extensions.Time.Testing;

namespace IngestLayer.ClientTests;

/// <summary>When batches go out: full, after the interval, on flush, on dispose.</summary>
public sealed class BatchingTests : IAsyncLifetime
{
    private FakeIngestServer _server = null!;
    private readonly ConcurrentQueue<IngestLayerError> _errors = new();

    public async Task InitializeAsync() => _server = await FakeIngestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task a_full_batch_is_sent_without_waiting_for_the_interval()
    {
        await using var client = TestClients.Create(_server, _errors, o => o.BatchSize = 5);

        for (var i = 0; i < 12; i++)
        {
            client.Track("a", userId: "u" + i);
        }

        var requests = await _server.WaitForRequestsAsync(2);
        Assert.Equal([5, 5], requests.Select(r => r.Events.Count));
        // The server has the requests before the client has their answers: wait for the client to count them.
        await TestClients.EventuallyAsync(() => client.Stats.Delivered == 10, "the client to count 10 events delivered");
        Assert.Equal(2, client.Stats.Pending); // the last two wait for the (hour-long) interval or a flush

        await client.FlushAsync();
        Assert.Equal([5, 5, 2], _server.Requests.Select(r => r.Events.Count));
    }

    [Fact]
    public async Task a_partial_batch_is_sent_once_the_flush_interval_has_passed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var client = TestClients.Create(_server, _errors, o => o.FlushInterval = TimeSpan.FromSeconds(5), time);

        client.Track("a", userId: "u1");
        client.Track("b", userId: "u2");
        // Absence can only be shown by waiting: long enough for the loop to take the events and start the interval.
        await Task.Delay(300);
        time.Advance(TimeSpan.FromSeconds(4.9));
        await Task.Delay(200);
        Assert.Empty(_server.Requests);

        time.Advance(TimeSpan.FromSeconds(0.1));
        var request = Assert.Single(await _server.WaitForRequestsAsync(1));
        Assert.Equal(2, request.Events.Count);
        // The timestamp is the enqueue time on the client's clock, not the send time.
        Assert.All(request.Events, e => Assert.Equal("2026-11-30T10:00:00+00:00", e["timestamp"]!.GetValue<string>()));
    }

    [Fact]
    public async Task dispose_sends_what_is_queued()
    {
        var client = TestClients.Create(_server, _errors);
        client.Track("a", userId: "u1");
        client.Track("b", userId: "u2");
        client.Track("c", userId: "u3");

        await client.DisposeAsync();

        var request = Assert.Single(_server.Requests);
        Assert.Equal(["a", "b", "c"], request.Events.Select(e => e["event"]!.GetValue<string>()));
        Assert.Equal(3, client.Stats.Delivered);
        Assert.False(client.Track("d", userId: "u4"), "a disposed client takes no events");
        Assert.Equal(IngestLayerErrorKind.Dropped, Assert.Single(_errors).Kind);
    }

    [Fact]
    public async Task each_event_gets_a_message_id_and_its_fields_in_the_native_format()
    {
        await using var client = TestClients.Create(_server, _errors);

        await client.IngestAsync("feature.used", new { feature = "csv.export", count = 1, plan = "free" }, userId: "u1", accountId: "acme");
        client.Track(new IngestLayerEvent("$pageview") { AnonymousId = "anon-1", MessageId = "mine-1" });
        await client.FlushAsync();

        var events = Assert.Single(_server.Requests).Events;
        Assert.Equal("feature.used", events[0]["event"]!.GetValue<string>());
        Assert.Equal("u1", events[0]["user_id"]!.GetValue<string>());
        Assert.Equal("acme", events[0]["account_id"]!.GetValue<string>());
        Assert.Equal("""{"feature":"csv.export","count":1,"plan":"free"}""", events[0]["properties"]!.ToJsonString());
        Assert.True(Guid.TryParse(events[0]["message_id"]!.GetValue<string>(), out _));
        Assert.Equal("anon-1", events[1]["anonymous_id"]!.GetValue<string>());
        Assert.Equal("mine-1", events[1]["message_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task batches_are_cut_to_stay_under_the_body_limit()
    {
        await using var client = TestClients.Create(_server, _errors, o => (o.MaxEventBytes, o.MaxBatchBytes) = (1_000, 2_000));
        var padding = new string('x', 600);

        for (var i = 0; i < 5; i++)
        {
            client.Track("a", new { padding }, userId: "u" + i);
        }

        await client.FlushAsync();
        Assert.Equal([2, 2, 1], _server.Requests.Select(r => r.Events.Count));
    }

    [Fact]
    public async Task a_flush_requested_while_a_batch_is_in_flight_always_completes()
    {
        // A flush that arrived while the loop was sending used to be lost now and then (a wake signal consumed by
        // a wait the loop had already left), and FlushAsync never returned. Many rounds make that race likely.
        await using var client = TestClients.Create(_server, _errors, o => (o.MaxEventBytes, o.MaxBatchBytes) = (1_000, 2_000));
        var padding = new string('x', 600);
        for (var round = 0; round < 1_000; round++)
        {
            for (var i = 0; i < 3; i++)
            {
                client.Track("a", new { padding }, userId: $"u{round}-{i}");
            }

            var flushed = client.FlushAsync();
            Assert.Same(flushed, await Task.WhenAny(flushed, Task.Delay(TimeSpan.FromSeconds(10))));
        }

        Assert.Equal(3_000, client.Stats.Delivered);
    }

    [Fact]
    public async Task an_event_over_the_size_limit_is_refused_at_enqueue()
    {
        await using var client = TestClients.Create(_server, _errors, o => o.MaxEventBytes = 1_000);

        Assert.False(client.Track("a", new { padding = new string('x', 2_000) }, userId: "u1"));

        var error = Assert.Single(_errors);
        Assert.Equal(IngestLayerErrorKind.TooLarge, error.Kind);
        Assert.Equal(1, client.Stats.Dropped);
    }

    [Fact]
    public async Task an_event_without_a_user_or_anonymous_id_is_a_programming_error()
    {
        await using var client = TestClients.Create(_server, _errors);
        Assert.Throws<ArgumentException>(() => client.Track("a", accountId: "acme"));
    }
}
