using IngestLayer.Contracts;
using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using IngestLayer.Testing;
using Npgsql;

namespace IngestLayer.StorageTests;

public sealed class PostgresWebhookSourceStoreTests(MigratedDatabase database) : WebhookSourceStoreContract, IClassFixture<MigratedDatabase>, IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;

    protected override IWebhookSourceStore Store => new PostgresWebhookSourceStore(_dataSource);

    public Task InitializeAsync()
    {
        _dataSource = database.CreateDataSource();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task every_version_is_a_config_documents_row_of_kind_webhook_source()
    {
        var ws = TestEvents.NewWorkspace();
        var id = NewSourceId();
        await Store.SaveAsync(ws, Custom(id), WriteMode.Create, null, T0, CancellationToken.None);
        await Store.DeleteAsync(ws, id, T0, CancellationToken.None);

        Assert.Equal(["1 false standard_webhooks", "2 true standard_webhooks"], await Sql.StringsAsync(database.ConnectionString,
            $"SELECT version || ' ' || deleted || ' ' || (body->>'scheme') FROM config_documents WHERE workspace = '{ws}' AND kind = 'webhook_source' ORDER BY version"));
    }

    [Fact]
    public async Task the_kinds_of_earlier_migrations_are_still_allowed_after_0012()
    {
        var definition = await Sql.StringsAsync(database.ConnectionString,
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'config_documents_kind_check'");

        var check = Assert.Single(definition);
        Assert.All(["'rule'", "'pipeline'", "'list'", "'webhook_source'"], kind => Assert.Contains(kind, check));
    }

    [Fact]
    public async Task one_source_id_cannot_be_stored_in_two_workspaces()
    {
        var id = NewSourceId();
        await Store.SaveAsync(TestEvents.NewWorkspace(), Custom(id), WriteMode.Create, null, T0, CancellationToken.None);

        var second = await Store.SaveAsync(TestEvents.NewWorkspace(), Custom(id), WriteMode.Create, null, T0, CancellationToken.None);

        // The unique index of 0012 refuses the row; the store reports it as a lost race.
        Assert.Equal(SaveOutcome.VersionMismatch, second.Outcome);
    }
}
