using System.Text.Json.Nodes;
using IngestLayer.Contracts;
using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

/// <summary>
/// What every <see cref="IEventLog"/> must do. Run once per implementation by the subclasses; each test
/// works in a workspace of its own, so tests sharing a database never see each other's events.
/// </summary>
public abstract class EventLogContract
{
    /// <summary>The log under test.</summary>
    protected abstract IEventLog Log { get; }

    /// <summary>Whether the log keeps event bodies and positions (the durable log does; the embedded one keeps only dedupe keys).</summary>
    protected abstract bool KeepsEvents { get; }

    /// <summary>Checks, for a log that groups commits, that <paramref name="calls"/> concurrent appends took far fewer round trips.</summary>
    protected virtual void AssertGroupCommitted(int calls, long roundTrips)
    {
    }

    /// <summary>Round trips made so far, for logs that count them.</summary>
    protected virtual long RoundTrips => 0;

    [Fact]
    public async Task append_returns_only_the_events_not_stored_before()
    {
        var ws = TestEvents.NewWorkspace();
        var (a, b, c) = (TestEvents.Track(ws, "a"), TestEvents.Track(ws, "b"), TestEvents.Track(ws, "c"));

        var first = await Log.AppendAsync([a, b], CancellationToken.None);
        var second = await Log.AppendAsync([b, c], CancellationToken.None);

        Assert.Equal(["a", "b"], first.Select(e => e.MessageId));
        Assert.Equal(["c"], second.Select(e => e.MessageId));
    }

    [Fact]
    public async Task a_message_id_repeated_within_one_append_is_stored_once()
    {
        var ws = TestEvents.NewWorkspace();

        var stored = await Log.AppendAsync([TestEvents.Track(ws, "same"), TestEvents.Track(ws, "other"), TestEvents.Track(ws, "same", user: "u2")], CancellationToken.None);

        Assert.Equal(["same", "other"], stored.Select(e => e.MessageId));
        Assert.Equal("u1", stored[0].UserId);
    }

    [Fact]
    public async Task the_same_message_id_from_another_source_is_another_event()
    {
        var ws = TestEvents.NewWorkspace();
        await Log.AppendAsync([TestEvents.Track(ws, "m1", source: "web")], CancellationToken.None);

        var stored = await Log.AppendAsync([TestEvents.Track(ws, "m1", source: "segment"), TestEvents.Track(ws, "m1", source: "web")], CancellationToken.None);

        Assert.Equal(["segment"], stored.Select(e => e.Source));
    }

    [Fact]
    public async Task concurrent_appends_of_one_message_id_store_it_for_exactly_one_caller()
    {
        var ws = TestEvents.NewWorkspace();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(async () => await Log.AppendAsync([TestEvents.Track(ws, "contested"), TestEvents.Track(ws, $"own-{i}")], CancellationToken.None))));

        Assert.Equal(1, results.Sum(r => r.Count(e => e.MessageId == "contested")));
        Assert.All(results, r => Assert.Single(r, e => e.MessageId.StartsWith("own-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task two_hundred_concurrent_appends_all_complete_with_their_own_events()
    {
        var ws = TestEvents.NewWorkspace();
        var before = RoundTrips;

        using var start = new ManualResetEventSlim();
        var calls = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return (Caller: i, Stored: await Log.AppendAsync(TestEvents.Batch(ws, $"c{i}", 5), CancellationToken.None));
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.Equal(Enumerable.Range(0, 5).Select(j => $"c{r.Caller}-{j}"), r.Stored.Select(e => e.MessageId)));
        AssertGroupCommitted(200, RoundTrips - before);
        if (KeepsEvents)
        {
            var positions = results.SelectMany(r => r.Stored).Select(e => e.Position).ToList();
            Assert.Equal(1000, positions.Distinct().Count());
            Assert.All(results, r => Assert.True(r.Stored.Zip(r.Stored.Skip(1)).All(p => p.First.Position < p.Second.Position), "positions within one append increase"));
        }
    }

    [Fact]
    public async Task positions_increase_from_one_append_to_the_next()
    {
        if (!KeepsEvents)
        {
            // The embedded log assigns no positions (IngestEvent.Position stays 0): nothing to order.
            var stored = await Log.AppendAsync([TestEvents.Track(TestEvents.NewWorkspace(), "p")], CancellationToken.None);
            Assert.Equal(0, Assert.Single(stored).Position);
            return;
        }

        var ws = TestEvents.NewWorkspace();
        var first = await Log.AppendAsync(TestEvents.Batch(ws, "first", 3), CancellationToken.None);
        var second = await Log.AppendAsync(TestEvents.Batch(ws, "second", 3), CancellationToken.None);

        var positions = first.Concat(second).Select(e => e.Position).ToList();
        Assert.All(positions, p => Assert.True(p > 0));
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(positions.Count, positions.Distinct().Count());
    }

    [Fact]
    public async Task an_account_s_events_and_the_workspace_s_accounts_are_read_back_only_from_a_log_that_keeps_them()
    {
        var ws = TestEvents.NewWorkspace();
        var stored = await Log.AppendAsync([TestEvents.Track(ws, "h1"), TestEvents.Track(ws, "h2", account: "globex"), TestEvents.Group(ws, "h3")], CancellationToken.None);

        var history = await Log.ReadAccountAsync(ws, "acme", CancellationToken.None).ToListAsync();
        var accounts = await Log.ReadAccountIdsAsync(ws, null, 10, CancellationToken.None);

        if (!KeepsEvents)
        {
            // Rebuilding replays the stored log; the embedded log has nothing to replay.
            Assert.Empty(history);
            Assert.Empty(accounts);
            return;
        }

        Assert.Equal([("h1", stored[0].Position), ("h3", stored[2].Position)], history.Select(s => (s.Event.MessageId, s.Event.Position)));
        Assert.Equal(["acme", "globex"], accounts);
    }

    [Fact]
    public async Task read_returns_stored_events_whole_in_position_order_after_a_position()
    {
        var ws = TestEvents.NewWorkspace();
        var stored = await Log.AppendAsync([TestEvents.Track(ws, "r1"), TestEvents.Group(ws, "r2"), TestEvents.Track(ws, "r3")], CancellationToken.None);

        var read = await Log.ReadAsync(KeepsEvents ? stored[0].Position - 1 : 0, null, 1000, CancellationToken.None)
            .Where(e => e.Workspace == ws).ToListAsync();

        if (!KeepsEvents)
        {
            Assert.Empty(read);
            return;
        }

        Assert.Equal(stored.Select(e => (e.MessageId, e.Position)), read.Select(e => (e.MessageId, e.Position)));
        var (track, group) = (read[0], read[1]);
        var sent = TestEvents.Track(ws, "r1");
        Assert.Equal(
            (sent.Source, sent.Kind, sent.Name, sent.UserId, sent.AccountId, sent.Feature, sent.Count, sent.Plan, sent.Timestamp, sent.ReceivedAt),
            (track.Source, track.Kind, track.Name, track.UserId, track.AccountId, track.Feature, track.Count, track.Plan, track.Timestamp, track.ReceivedAt));
        // jsonb keeps the content, not the bytes.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(sent.Properties.Span), JsonNode.Parse(track.Properties.Span)), track.PropertiesJson);
        Assert.Equal(EventKind.Group, group.Kind);
        Assert.Equal(new Dictionary<string, string> { ["name"] = "Acme Inc", ["plan"] = "free" }, group.Traits);
        Assert.Null(track.Traits);

        var afterFirst = await Log.ReadAsync(stored[0].Position, null, 1, CancellationToken.None).ToListAsync();
        Assert.Equal("r2", Assert.Single(afterFirst).MessageId);
    }
}
