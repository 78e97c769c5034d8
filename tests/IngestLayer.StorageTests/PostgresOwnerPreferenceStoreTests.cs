using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using Npgsql;

namespace IngestLayer.StorageTests;

public sealed class PostgresOwnerPreferenceStoreTests(MigratedDatabase database) : OwnerPreferenceStoreContract, IClassFixture<MigratedDatabase>, IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;

    protected override IOwnerPreferenceStore Store => new PostgresOwnerPreferenceStore(_dataSource);

    public Task InitializeAsync()
    {
        _dataSource = database.CreateDataSource();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task preferences_outlive_the_store_instance()
    {
        var ws = TestEvents.NewWorkspace();
        var preferences = new OwnerPreferences("ada@vendor.example", OwnerDeliveryMode.DailyDigest, new TimeOnly(23, 59), "America/New_York", null);
        await new PostgresOwnerPreferenceStore(_dataSource).SaveAsync(ws, preferences, DateTimeOffset.UnixEpoch, CancellationToken.None);

        await using var restarted = database.CreateDataSource();
        Assert.Equal(preferences with { UpdatedAt = DateTimeOffset.UnixEpoch }, await new PostgresOwnerPreferenceStore(restarted).GetAsync(ws, "ada@vendor.example", CancellationToken.None));
    }
}
