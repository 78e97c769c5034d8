using IngestLayer.Contracts;
using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;

namespace IngestLayer.StorageTests;

/// <summary>Reading one account's stored events back as live dispatch attributed them, and listing a workspace's accounts.</summary>
public sealed class PostgresAccountHistoryTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>, IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];
    private PostgresEventLog _hostA = null!;
    private PostgresEventLog _hostB = null!;

    public Task InitializeAsync()
    {
        (_hostA, _hostB) = (NewLog("host-a"), NewLog("host-b"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
    }

    [Fact]
    public async Task an_account_s_history_is_its_own_events_and_its_users_account_less_activity_while_it_was_their_latest_account()
    {
        var ws = TestEvents.NewWorkspace();
        await _hostA.AppendAsync(
        [
            Anonymous(TestEvents.Track(ws, "1", user: "u1", account: "acme")),
            Anonymous(TestEvents.Track(ws, "2", user: "u1", account: "acme")) with { AccountId = null }, // u1's latest: acme
            TestEvents.Track(ws, "3", user: "u2", account: "globex"),
            TestEvents.Track(ws, "4", user: "u2", account: "acme") with { AccountId = null }, // u2 never named acme yet: globex's
        ], CancellationToken.None);
        await _hostB.AppendAsync(
        [
            TestEvents.Group(ws, "5") with { UserId = "u2" }, // u2 joins acme
            TestEvents.Track(ws, "6", user: "u2") with { AccountId = null }, // now acme's
            Anonymous(TestEvents.Track(ws, "7", user: "u1", account: "globex")), // u1 moves to globex
            Anonymous(TestEvents.Track(ws, "8", user: "u1")) with { AccountId = null }, // globex's
            TestEvents.Track(ws, "9", user: "u2") with { AccountId = null, Kind = EventKind.Identify }, // a profile call stops at the user
        ], CancellationToken.None);
        await _hostA.AppendAsync([TestEvents.Track(TestEvents.NewWorkspace(), "1")], CancellationToken.None); // another workspace's acme

        var history = await _hostA.ReadAccountAsync(ws, "acme", CancellationToken.None).ToListAsync();

        Assert.Equal(["1", "2", "5", "6"], history.Select(s => s.Event.MessageId));
        Assert.All(history, s => Assert.Equal("acme", s.Event.AccountId));
        Assert.Equal(["host-a", "host-a", "host-b", "host-b"], history.Select(s => s.IngestedBy));
        Assert.True(history.Select(s => s.Event.Position).SequenceEqual(history.Select(s => s.Event.Position).Order()));
        Assert.Equal("anon:anon-u1", history[1].Event.UserKey); // an anonymous user's events are found by their anonymous id
    }

    [Fact]
    public async Task a_history_longer_than_a_page_is_read_whole_in_position_order()
    {
        var ws = TestEvents.NewWorkspace();
        var count = 2_000 * 2 + 17; // the reader fetches 2,000 a page
        await _hostA.AppendAsync(TestEvents.Batch(ws, "e", count), CancellationToken.None);

        var history = await _hostB.ReadAccountAsync(ws, "acme", CancellationToken.None).ToListAsync();

        Assert.Equal(count, history.Count);
        Assert.Equal(count, history.Select(s => s.Event.Position).Distinct().Count());
        Assert.True(history.Select(s => s.Event.Position).SequenceEqual(history.Select(s => s.Event.Position).Order()));
    }

    [Fact]
    public async Task an_account_with_no_stored_events_has_an_empty_history()
    {
        var ws = TestEvents.NewWorkspace();
        await _hostA.AppendAsync([TestEvents.Track(ws, "1", account: "globex")], CancellationToken.None);

        Assert.Empty(await _hostA.ReadAccountAsync(ws, "acme", CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task account_ids_are_listed_once_each_in_pages()
    {
        var ws = TestEvents.NewWorkspace();
        await _hostA.AppendAsync(
        [
            TestEvents.Track(ws, "1", account: "c"), TestEvents.Track(ws, "2", account: "a"), TestEvents.Track(ws, "3", account: "c"),
            TestEvents.Track(ws, "4", account: "b") with { AccountId = null }, TestEvents.Track(ws, "5", account: "d"),
            TestEvents.Track(TestEvents.NewWorkspace(), "6", account: "b"),
        ], CancellationToken.None);

        var first = await _hostA.ReadAccountIdsAsync(ws, null, 2, CancellationToken.None);
        var second = await _hostA.ReadAccountIdsAsync(ws, first[^1], 2, CancellationToken.None);
        var third = await _hostA.ReadAccountIdsAsync(ws, second[^1], 2, CancellationToken.None);

        Assert.Equal(["a", "c"], first);
        Assert.Equal(["d"], second);
        Assert.Empty(third);
    }

    [Fact]
    public async Task an_unreachable_database_fails_the_read_with_StorageUnavailableException()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = 1, Timeout = 2 }.ConnectionString;
        var log = NewLog("host-c", unreachable);

        await Assert.ThrowsAsync<StorageUnavailableException>(async () => await log.ReadAccountAsync("ws", "acme", CancellationToken.None).ToListAsync());
        await Assert.ThrowsAsync<StorageUnavailableException>(() => log.ReadAccountIdsAsync("ws", null, 10, CancellationToken.None));
    }

    private static IngestEvent Anonymous(IngestEvent e) => e with { AnonymousId = "anon-" + e.UserId, UserId = null };

    private PostgresEventLog NewLog(string host, string? connectionString = null)
    {
        connectionString ??= database.ConnectionString;
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var log = new PostgresEventLog(dataSource, Options.Create(new PostgresOptions { ConnectionString = connectionString, HostInstanceId = host }));
        _owned.Add(dataSource);
        _owned.Add(log);
        return log;
    }
}
