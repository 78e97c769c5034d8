using IngestLayer.Contracts;
using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using IngestLayer.Testing;
using Npgsql;

namespace IngestLayer.StorageTests;

public sealed class PostgresPipelineStoreTests(MigratedDatabase database) : PipelineStoreContract, IClassFixture<MigratedDatabase>, IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;

    protected override IPipelineStore Pipelines => new PostgresPipelineStore(_dataSource);

    protected override INamedListStore Lists => new PostgresNamedListStore(_dataSource);

    public Task InitializeAsync()
    {
        _dataSource = database.CreateDataSource();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task rules_pipelines_and_lists_of_one_id_are_rows_of_their_own_kind_each_numbered_alone()
    {
        var ws = TestEvents.NewWorkspace();
        var rules = new PostgresRuleStore(_dataSource);
        await rules.SaveAsync(ws, new RuleDefinition { Id = "book", Kind = RuleKinds.PaymentFailed }, WriteMode.Create, null, T0, CancellationToken.None);
        await Pipelines.SaveAsync(ws, Handbook("book"), WriteMode.Create, null, T0, CancellationToken.None);
        await Pipelines.SaveAsync(ws, Handbook("book"), WriteMode.Replace, null, T0, CancellationToken.None);
        await Lists.SaveAsync(ws, Book("org-1") with { Id = "book" }, WriteMode.Create, null, T0, CancellationToken.None);
        await Pipelines.DeleteAsync(ws, "book", T0, CancellationToken.None);

        Assert.Equal(["list 1 false", "pipeline 1 false", "pipeline 2 false", "pipeline 3 true", "rule 1 false"], await Sql.StringsAsync(database.ConnectionString,
            $"SELECT kind || ' ' || version || ' ' || deleted FROM config_documents WHERE workspace = '{ws}' ORDER BY kind, version"));
        Assert.Equal(RuleKinds.PaymentFailed, Assert.Single((await rules.ListAsync(ws, CancellationToken.None))!).Kind);
        Assert.Empty((await Pipelines.ListAsync(ws, CancellationToken.None))!);
        Assert.Equal(["org-1"], Assert.Single((await Lists.ListAsync(ws, CancellationToken.None))!).Values);
    }

    [Fact]
    public async Task the_body_is_stored_as_json_without_version_or_time()
    {
        var ws = TestEvents.NewWorkspace();
        await Pipelines.SaveAsync(ws, Handbook(), WriteMode.Create, null, T0, CancellationToken.None);

        Assert.Equal(["0 $account.owner_channel webhook 3"], await Sql.StringsAsync(database.ConnectionString,
            $"SELECT (body->>'version') || ' ' || (body->'destinations'->0->>'channel') || ' ' || (body->'destinations'->1->>'type') || ' ' || (body->>'throttlePerMinute') FROM config_documents WHERE workspace = '{ws}' AND kind = 'pipeline'"));
    }

    [Fact]
    public async Task two_stores_replacing_the_same_pipeline_version_at_once_let_exactly_one_win()
    {
        var ws = TestEvents.NewWorkspace();
        await Pipelines.SaveAsync(ws, Handbook(), WriteMode.Create, null, T0, CancellationToken.None);
        await using var other = database.CreateDataSource();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            (i % 2 == 0 ? Pipelines : new PostgresPipelineStore(other)).SaveAsync(ws, Handbook(channel: $"#c{i}"), WriteMode.Replace, 1, T0, CancellationToken.None).AsTask()));

        Assert.Single(results, r => r.Outcome == SaveOutcome.Saved);
        Assert.All(results.Where(r => r.Outcome != SaveOutcome.Saved), r => Assert.Equal(SaveOutcome.VersionMismatch, r.Outcome));
        Assert.Equal(2, Assert.Single((await Pipelines.ListAsync(ws, CancellationToken.None))!).Version);
    }

    [Fact]
    public async Task pipelines_and_lists_outlive_the_store_instance()
    {
        var ws = TestEvents.NewWorkspace();
        await Pipelines.SaveAsync(ws, Handbook(), WriteMode.Create, null, T0, CancellationToken.None);
        await Lists.SaveAsync(ws, Book("org-1", "org-2"), WriteMode.Create, null, T0, CancellationToken.None);

        await using var restarted = database.CreateDataSource();
        Assert.Equal(Json(Handbook() with { Version = 1, UpdatedAt = T0 }), Json(Assert.Single((await new PostgresPipelineStore(restarted).ListAsync(ws, CancellationToken.None))!)));
        Assert.Equal(["org-1", "org-2"], Assert.Single((await new PostgresNamedListStore(restarted).ListAsync(ws, CancellationToken.None))!).Values);
    }
}
