using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using Npgsql;

namespace IngestLayer.StorageTests;

public sealed class PostgresOwnerStoreTests(MigratedDatabase database) : OwnerStoreContract, IClassFixture<MigratedDatabase>, IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;

    protected override IOwnerStore Store => new PostgresOwnerStore(_dataSource);

    public Task InitializeAsync()
    {
        _dataSource = database.CreateDataSource();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task assignments_outlive_the_store_instance()
    {
        var ws = TestEvents.NewWorkspace();
        await new PostgresOwnerStore(_dataSource).UpsertAsync(ws, [new OwnerRecord("acme", "ada@vendor.example", "#ada-alerts")], CancellationToken.None);

        await using var restarted = database.CreateDataSource();
        Assert.Equal(new OwnerRecord("acme", "ada@vendor.example", "#ada-alerts"), await new PostgresOwnerStore(restarted).GetAsync(ws, "acme", CancellationToken.None));
    }
}
