using System.Xml.Linq;
using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using Npgsql;

namespace IngestLayer.StorageTests;

public sealed class PostgresSlackInstallationStoreTests(MigratedDatabase database) : SlackInstallationStoreContract, IClassFixture<MigratedDatabase>, IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;

    protected override ISlackInstallationStore Store => new PostgresSlackInstallationStore(_dataSource);

    public Task InitializeAsync()
    {
        _dataSource = database.CreateDataSource();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task the_key_ring_holds_each_key_once_in_the_order_stored()
    {
        var repository = new PostgresXmlRepository(_dataSource);
        var first = new XElement("key", new XAttribute("id", Guid.NewGuid()), new XElement("descriptor", "one"));
        var second = new XElement("key", new XAttribute("id", Guid.NewGuid()), new XElement("descriptor", "two"));

        repository.StoreElement(first, "key-" + first.Attribute("id")!.Value);
        repository.StoreElement(second, "key-" + second.Attribute("id")!.Value);
        repository.StoreElement(first, "key-" + first.Attribute("id")!.Value);

        await using var restarted = database.CreateDataSource();
        var stored = new PostgresXmlRepository(restarted).GetAllElements().Select(e => e.ToString()).ToList();
        Assert.Equal([first.ToString(), second.ToString()], stored[^2..]);
        Assert.Single(stored, first.ToString());
    }
}
