using IngestLayer.Contracts;
using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using IngestLayer.Testing;
using Npgsql;

namespace IngestLayer.StorageTests;

public sealed class PostgresRuleStoreTests(MigratedDatabase database) : RuleStoreContract, IClassFixture<MigratedDatabase>, IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;

    protected override IRuleStore Store => new PostgresRuleStore(_dataSource);

    public Task InitializeAsync()
    {
        _dataSource = database.CreateDataSource();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task every_version_is_a_config_documents_row_and_a_deletion_keeps_the_history()
    {
        var ws = TestEvents.NewWorkspace();
        await Store.SaveAsync(ws, Spike(), WriteMode.Create, null, T0, CancellationToken.None);
        await Store.SaveAsync(ws, Spike(factor: 4), WriteMode.Replace, null, T0, CancellationToken.None);
        await Store.DeleteAsync(ws, "spike", T0, CancellationToken.None);

        Assert.Equal(["1 false 3", "2 false 4", "3 true 4"], await Sql.StringsAsync(database.ConnectionString,
            $"SELECT version || ' ' || deleted || ' ' || (body->'parameters'->>'factor') FROM config_documents WHERE workspace = '{ws}' AND kind = 'rule' ORDER BY version"));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(database.ConnectionString, $"SELECT count(*) FROM config_documents_current WHERE workspace = '{ws}'"));
    }

    [Fact]
    public async Task two_stores_replacing_the_same_version_at_once_let_exactly_one_win()
    {
        var ws = TestEvents.NewWorkspace();
        await Store.SaveAsync(ws, Spike(), WriteMode.Create, null, T0, CancellationToken.None);
        await using var other = database.CreateDataSource();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            (i % 2 == 0 ? Store : new PostgresRuleStore(other)).SaveAsync(ws, Spike(factor: 10 + i), WriteMode.Replace, 1, T0, CancellationToken.None).AsTask()));

        Assert.Single(results, r => r.Outcome == SaveOutcome.Saved);
        Assert.All(results.Where(r => r.Outcome != SaveOutcome.Saved), r => Assert.Equal(SaveOutcome.VersionMismatch, r.Outcome));
        Assert.Equal(2, Assert.Single((await Store.ListAsync(ws, CancellationToken.None))!).Version);
    }

    [Fact]
    public async Task rules_outlive_the_store_instance()
    {
        var ws = TestEvents.NewWorkspace();
        await Store.SaveAsync(ws, Spike(), WriteMode.Create, null, T0, CancellationToken.None);

        await using var restarted = database.CreateDataSource();
        Assert.Equal(Spike() with { Version = 1, UpdatedAt = T0 }, Assert.Single((await new PostgresRuleStore(restarted).ListAsync(ws, CancellationToken.None))!));
    }
}
