using IngestLayer.Storage.Postgres;
using IngestLayer.Testing;
using Microsoft.Extensions.Options;
using Npgsql;

namespace IngestLayer.StorageTests;

/// <summary>The durable dispatcher's bookkeeping: a checkpoint per host, and that host's events to replay.</summary>
public sealed class PostgresDispatchLedgerTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>, IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
    }

    private (PostgresEventLog Log, PostgresDispatchLedger Ledger) For(string host)
    {
        var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        var options = Options.Create(new PostgresOptions { ConnectionString = database.ConnectionString, HostInstanceId = host });
        var log = new PostgresEventLog(dataSource, options);
        _owned.Add(dataSource);
        _owned.Add(log);
        return (log, new PostgresDispatchLedger(dataSource, options));
    }

    private static string NewHost() => "host-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task a_new_host_starts_at_zero_and_its_checkpoint_only_moves_forward()
    {
        var host = NewHost();
        var (_, ledger) = For(host);
        Assert.Equal(0, await ledger.ReadCheckpointAsync(host, CancellationToken.None));
        Assert.Equal(0, await ledger.LastPositionAsync(host, CancellationToken.None));

        await ledger.WriteCheckpointAsync(host, 40, CancellationToken.None);
        await ledger.WriteCheckpointAsync(host, 25, CancellationToken.None);

        Assert.Equal(40, await ledger.ReadCheckpointAsync(host, CancellationToken.None));
    }

    [Fact]
    public async Task a_host_silent_past_the_limit_with_events_after_its_checkpoint_is_stalled()
    {
        var ws = TestEvents.NewWorkspace();
        var (dead, alive, idle) = (NewHost(), NewHost(), NewHost());
        var (deadLog, deadLedger) = For(dead);
        var (_, ledger) = For(alive);
        await deadLog.AppendAsync([TestEvents.Track(ws, "acknowledged-then-died")], CancellationToken.None);
        await deadLedger.WriteCheckpointAsync(dead, 0, CancellationToken.None);
        await ledger.WriteCheckpointAsync(idle, 0, CancellationToken.None); // silent too, but nothing after its checkpoint
        await Sql.ExecuteAsync(database.ConnectionString, "UPDATE dispatch_checkpoints SET updated_at = now() - interval '10 minutes'");

        var stalled = await ledger.FindStalledOriginsAsync(TimeSpan.FromMinutes(2), CancellationToken.None);

        Assert.Contains(dead, stalled);
        Assert.DoesNotContain(idle, stalled);
        Assert.DoesNotContain(alive, stalled);
        Assert.DoesNotContain(dead, await ledger.FindStalledOriginsAsync(TimeSpan.FromMinutes(20), CancellationToken.None));
    }

    [Fact]
    public async Task replay_reads_only_this_hosts_events_after_the_checkpoint_and_through_the_bound()
    {
        var ws = TestEvents.NewWorkspace();
        var (mine, ledger) = For(NewHost());
        var (theirs, _) = For(NewHost());
        var a = await mine.AppendAsync([TestEvents.Track(ws, "a1"), TestEvents.Track(ws, "a2")], CancellationToken.None);
        await theirs.AppendAsync([TestEvents.Track(ws, "b1")], CancellationToken.None);
        await mine.AppendAsync([TestEvents.Track(ws, "a3")], CancellationToken.None);
        var bound = await ledger.LastPositionAsync(ledger.Origin!, CancellationToken.None);
        await mine.AppendAsync([TestEvents.Track(ws, "a4-after-start")], CancellationToken.None);

        var page = await ledger.ReadAsync(ledger.Origin!, a[0].Position, bound, 100, CancellationToken.None);

        Assert.Equal(["a2", "a3"], page.Select(e => e.MessageId));
        Assert.Equal(page.Select(e => e.Position).Order(), page.Select(e => e.Position));
    }
}
