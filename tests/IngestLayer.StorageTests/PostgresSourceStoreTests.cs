using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using Npgsql;

namespace IngestLayer.StorageTests;

public sealed class PostgresSourceStoreTests(MigratedDatabase database) : SourceStoreContract, IClassFixture<MigratedDatabase>, IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;

    protected override ISourceStore Store => new PostgresSourceStore(_dataSource);

    public Task InitializeAsync()
    {
        _dataSource = database.CreateDataSource();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task sources_outlive_the_store_instance_and_hold_no_key_only_its_digest()
    {
        var ws = TestEvents.NewWorkspace();
        var source = new SourceRecord(ws, "web", new string('a', 64), "wk_abcde", DateTimeOffset.UnixEpoch);
        await new PostgresSourceStore(_dataSource).CreateAsync(source, CancellationToken.None);

        await using var restarted = database.CreateDataSource();
        var listed = await new PostgresSourceStore(restarted).ListAsync(includeRevoked: true, CancellationToken.None);
        Assert.Equal(source, Assert.Single(listed, s => s.Workspace == ws));

        // The table has no column a plain key could be in.
        var columns = await Testing.Sql.ScalarAsync<string>(database.ConnectionString,
            "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'sources'");
        Assert.Equal("id,workspace,name,key_digest,key_prefix,created_at,rotated_at,previous_key_digest,previous_key_valid_until,revoked_at", columns);
    }
}
