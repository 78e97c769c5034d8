using IngestLayer.Storage.Postgres;
using IngestLayer.Testing;
using Npgsql;

namespace IngestLayer.StorageTests;

/// <summary>
/// Class fixture: an empty database of the test class's own on the shared test server, dropped after
/// the class. Tests that need more empty databases (migrator races) make them with <see cref="CreateEmptyAsync"/>.
/// </summary>
public class PostgresDatabase : IAsyncLifetime
{
    private readonly List<string> _extra = [];
    private PostgresServer? _server;

    public string ConnectionString { get; private set; } = "";

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    public virtual async Task InitializeAsync()
    {
        _server = await PostgresServer.AcquireSharedAsync();
        ConnectionString = await _server.CreateDatabaseAsync(GetType().Name);
    }

    public async Task<string> CreateEmptyAsync(string hint)
    {
        var connectionString = await Server.CreateDatabaseAsync(hint);
        lock (_extra)
        {
            _extra.Add(connectionString);
        }
        return connectionString;
    }

    public NpgsqlDataSource CreateDataSource(string? connectionString = null) =>
        NpgsqlDataSource.Create(connectionString ?? ConnectionString);

    public async Task DisposeAsync()
    {
        if (_server is null)
        {
            return;
        }
        foreach (var cs in _extra.Append(ConnectionString))
        {
            await _server.DropDatabaseAsync(cs);
        }
        await PostgresServer.ReleaseSharedAsync();
    }
}

/// <summary>A test class's database with every migration applied.</summary>
public sealed class MigratedDatabase : PostgresDatabase
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var dataSource = CreateDataSource();
        await new SchemaMigrator(dataSource).MigrateAsync(CancellationToken.None);
    }
}
