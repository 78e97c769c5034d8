using IngestLayer.Testing;

namespace IngestLayer.ClusterTests;

/// <summary>A test class with a database of its own on the shared test PostgreSQL server, dropped afterwards.</summary>
public abstract class FreshDatabaseTest(string name) : IAsyncLifetime
{
    private PostgresServer? _server;

    protected string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.AcquireSharedAsync();
        ConnectionString = await _server.CreateDatabaseAsync(name);
        await OnDatabaseCreatedAsync();
    }

    public async Task DisposeAsync()
    {
        await OnDisposingAsync();
        if (_server is not null)
        {
            await _server.DropDatabaseAsync(ConnectionString);
            await PostgresServer.ReleaseSharedAsync();
        }
    }

    protected virtual Task OnDatabaseCreatedAsync() => Task.CompletedTask;

    protected virtual Task OnDisposingAsync() => Task.CompletedTask;
}
