using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using IngestLayer.Testing;
using Npgsql;

namespace IngestLayer.StorageTests;

public sealed class PostgresAlertOutboxTests(MigratedDatabase database) : AlertOutboxContract, IClassFixture<MigratedDatabase>, IAsyncLifetime
{
    private NpgsqlDataSource _first = null!, _second = null!;
    private PostgresAlertOutbox _outbox = null!, _secondWorker = null!;

    protected override IAlertOutbox Outbox => _outbox;

    // Another pool and instance, as another host's worker would have: only the database is shared.
    protected override IAlertOutbox SecondWorker => _secondWorker;

    public async Task InitializeAsync()
    {
        // Tests of a class run one at a time on the class's database; each starts from an empty outbox.
        await Sql.ExecuteAsync(database.ConnectionString, "TRUNCATE alert_outbox, owner_digests");
        (_first, _second) = (database.CreateDataSource(), database.CreateDataSource());
        (_outbox, _secondWorker) = (new PostgresAlertOutbox(_first, TimeProvider.System), new PostgresAlertOutbox(_second, TimeProvider.System));
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task the_alert_is_stored_as_jsonb_in_the_columns_operators_query()
    {
        var ws = TestEvents.NewWorkspace();
        await Outbox.EnqueueAsync(TestEvents.Alert(ws, "columns"), CancellationToken.None);

        Assert.Equal(["columns acme payment_failed #ada-alerts pending critical"], await Sql.StringsAsync(database.ConnectionString,
            $"SELECT id || ' ' || account_id || ' ' || signal || ' ' || channel || ' ' || status || ' ' || (payload->>'severity') FROM alert_outbox WHERE workspace = '{ws}'"));
    }

    [Fact]
    public async Task an_unreachable_database_fails_with_StorageUnavailableException()
    {
        var closed = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = 1, Timeout = 5 }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(closed);
        var outbox = new PostgresAlertOutbox(dataSource, TimeProvider.System);

        await Assert.ThrowsAsync<StorageUnavailableException>(async () => await outbox.ClaimDueAsync(1, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), CancellationToken.None));
    }
}
