using System.Net;
using System.Net.Sockets;
using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using IngestLayer.Testing;
using Microsoft.Extensions.Options;
using Npgsql;

namespace IngestLayer.StorageTests;

public sealed class PostgresEventLogTests(MigratedDatabase database) : EventLogContract, IClassFixture<MigratedDatabase>, IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];
    private PostgresEventLog _log = null!;

    protected override IEventLog Log => _log;

    protected override bool KeepsEvents => true;

    protected override long RoundTrips => _log.RoundTrips;

    protected override void AssertGroupCommitted(int calls, long roundTrips) =>
        // Group commit: the first append goes alone, the rest queue behind it and share a few statements.
        Assert.True(roundTrips <= calls / 4, $"{calls} concurrent appends took {roundTrips} round trips");

    public Task InitializeAsync()
    {
        _log = NewLog(database.ConnectionString, "host-a");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
    }

    private PostgresEventLog NewLog(string connectionString, string host, IEventLogObserver? observer = null)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var log = new PostgresEventLog(dataSource, Options.Create(new PostgresOptions { ConnectionString = connectionString, HostInstanceId = host }), observer: observer);
        _owned.Add(dataSource);
        _owned.Add(log);
        return log;
    }

    [Fact]
    public async Task a_duplicate_message_id_is_stored_once_across_a_restart()
    {
        var ws = TestEvents.NewWorkspace();
        await _log.AppendAsync([TestEvents.Track(ws, "before-restart")], CancellationToken.None);
        await _log.DisposeAsync();

        var restarted = NewLog(database.ConnectionString, "host-a");
        var stored = await restarted.AppendAsync([TestEvents.Track(ws, "before-restart"), TestEvents.Track(ws, "after-restart")], CancellationToken.None);

        Assert.Equal(["after-restart"], stored.Select(e => e.MessageId));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString, $"SELECT count(*) FROM event_log WHERE workspace = '{ws}' AND message_id = 'before-restart'"));
    }

    [Fact]
    public async Task events_record_the_host_that_appended_them_and_read_can_select_by_it()
    {
        var ws = TestEvents.NewWorkspace();
        var other = NewLog(database.ConnectionString, "host-b");
        var mine = await _log.AppendAsync([TestEvents.Track(ws, "a1")], CancellationToken.None);
        await other.AppendAsync([TestEvents.Track(ws, "b1")], CancellationToken.None);
        await _log.AppendAsync([TestEvents.Track(ws, "a2")], CancellationToken.None);

        var hostA = await _log.ReadAsync(mine[0].Position - 1, "host-a", 100, CancellationToken.None).Where(e => e.Workspace == ws).ToListAsync();

        Assert.Equal(["a1", "a2"], hostA.Select(e => e.MessageId));
        Assert.Equal(["host-a", "host-b", "host-a"], await Sql.StringsAsync(database.ConnectionString,
            $"SELECT ingested_by FROM event_log WHERE workspace = '{ws}' ORDER BY position"));
    }

    [Fact]
    public async Task an_unreachable_database_fails_appends_with_StorageUnavailableException()
    {
        var closedPort = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = ClosedPort(), Timeout = 5 }.ConnectionString;
        var log = NewLog(closedPort, "host-a");

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => log.AppendAsync([TestEvents.Track(TestEvents.NewWorkspace(), "m")], CancellationToken.None).AsTask());
        Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
        // The writer is still there: the next append fails the same way instead of hanging.
        await Assert.ThrowsAsync<StorageUnavailableException>(() => log.AppendAsync([TestEvents.Track(TestEvents.NewWorkspace(), "m")], CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task appends_fail_while_the_database_is_away_and_succeed_again_when_it_returns()
    {
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = new TcpProxy(server.Host!, server.Port);
        proxy.Start();
        var log = NewLog(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = proxy.Port, Timeout = 5 }.ConnectionString, "host-a");
        var ws = TestEvents.NewWorkspace();
        Assert.Single(await log.AppendAsync([TestEvents.Track(ws, "before")], CancellationToken.None));

        proxy.Stop();
        var failed = await Task.WhenAll(Enumerable.Range(0, 5).Select(async i =>
            await Record.ExceptionAsync(async () => await log.AppendAsync([TestEvents.Track(ws, $"during-{i}")], CancellationToken.None))));
        Assert.All(failed, e => Assert.IsType<StorageUnavailableException>(e));

        proxy.Start();
        // Nothing of the failed appends was stored: their retries are new events, not duplicates.
        var retried = await log.AppendAsync([.. Enumerable.Range(0, 5).Select(i => TestEvents.Track(ws, $"during-{i}"))], CancellationToken.None);
        Assert.Equal(5, retried.Count);
        Assert.Equal(6L, await Sql.ScalarAsync<long>(database.ConnectionString, $"SELECT count(*) FROM event_log WHERE workspace = '{ws}'"));
    }

    [Fact]
    public async Task events_of_an_append_left_in_doubt_that_did_commit_reach_the_observer_before_newer_ones()
    {
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = new TcpProxy(server.Host!, server.Port);
        proxy.Start();
        var host = "host-" + Guid.NewGuid().ToString("N")[..8];
        var observer = new RecordingObserver();
        var log = NewLog(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = proxy.Port, Timeout = 5 }.ConnectionString, host, observer);
        var ws = TestEvents.NewWorkspace();
        await log.AppendAsync([TestEvents.Track(ws, "first")], CancellationToken.None);

        proxy.Stop();
        await Assert.ThrowsAsync<StorageUnavailableException>(() => log.AppendAsync([TestEvents.Track(ws, "lost")], CancellationToken.None).AsTask());
        // The log cannot know whether that statement committed. Here one did: a row of this host's written
        // behind its back, as a commit whose answer never arrived would leave it.
        await NewLog(database.ConnectionString, host).AppendAsync([TestEvents.Track(ws, "committed-unseen")], CancellationToken.None);
        proxy.Start();
        await log.AppendAsync([TestEvents.Track(ws, "after")], CancellationToken.None);

        Assert.Equal(["first", "committed-unseen", "after"], observer.Seen.Select(e => e.MessageId));
        Assert.True(observer.Seen.Zip(observer.Seen.Skip(1)).All(p => p.First.Position < p.Second.Position), "positions in log order");
    }

    [Fact]
    public async Task an_event_postgresql_cannot_hold_fails_only_the_append_that_sent_it()
    {
        var ws = TestEvents.NewWorkspace();
        using var start = new ManualResetEventSlim();
        var calls = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            start.Wait();
            // PostgreSQL text cannot hold a NUL character.
            var e = TestEvents.Track(ws, $"m{i}", user: i == 7 ? "bad\0user" : "u1");
            return await Record.ExceptionAsync(async () => await _log.AppendAsync([e], CancellationToken.None));
        })).ToArray();
        start.Set();
        var errors = await Task.WhenAll(calls);

        Assert.IsType<StorageRejectedException>(errors[7]);
        Assert.All(errors.Where((_, i) => i != 7), Assert.Null);
        Assert.Equal(19L, await Sql.ScalarAsync<long>(database.ConnectionString, $"SELECT count(*) FROM event_log WHERE workspace = '{ws}'"));
    }

    private sealed class RecordingObserver : IEventLogObserver
    {
        public List<IngestLayer.Contracts.IngestEvent> Seen { get; } = [];

        public void OnStored(IReadOnlyList<IngestLayer.Contracts.IngestEvent> events)
        {
            lock (Seen)
            {
                Seen.AddRange(events);
            }
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
