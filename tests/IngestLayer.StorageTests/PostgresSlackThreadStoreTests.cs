using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using Npgsql;

namespace IngestLayer.StorageTests;

public sealed class PostgresSlackThreadStoreTests(MigratedDatabase database) : SlackThreadStoreContract, IClassFixture<MigratedDatabase>, IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;

    protected override ISlackThreadStore Store => new PostgresSlackThreadStore(_dataSource);

    public Task InitializeAsync()
    {
        _dataSource = database.CreateDataSource();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task a_thread_outlives_the_store_instance()
    {
        var key = new SlackThreadKey(TestEvents.NewWorkspace(), "acme", "#alerts", new DateOnly(2026, 3, 2));
        await new PostgresSlackThreadStore(_dataSource).AddAsync(key, new SlackThread("C1", "1.000100"), CancellationToken.None);

        await using var restarted = database.CreateDataSource();
        Assert.Equal(new SlackThread("C1", "1.000100"), await new PostgresSlackThreadStore(restarted).GetAsync(key, CancellationToken.None));
    }
}
