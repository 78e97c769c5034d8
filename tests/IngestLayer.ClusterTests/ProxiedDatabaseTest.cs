using IngestLayer.Testing;
using Npgsql;

namespace IngestLayer.ClusterTests;

/// <summary>
/// A fresh database the host reaches through a proxy the test can cut (<see cref="Proxy"/>), to play a database outage.
/// </summary>
public abstract class ProxiedDatabaseTest(string name) : FreshDatabaseTest(name)
{
    private TcpProxy? _proxy;

    protected TcpProxy Proxy => _proxy ?? throw new InvalidOperationException("The database is not created yet.");

    /// <summary>The database through the proxy, with a short connect timeout so an outage is noticed within seconds.</summary>
    protected string ThroughProxy => new NpgsqlConnectionStringBuilder(ConnectionString) { Port = Proxy.Port, Timeout = 3 }.ConnectionString;

    protected override Task OnDatabaseCreatedAsync()
    {
        var direct = new NpgsqlConnectionStringBuilder(ConnectionString);
        _proxy = new TcpProxy(direct.Host!, direct.Port);
        _proxy.Start();
        return Task.CompletedTask;
    }

    protected override async Task OnDisposingAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }
    }
}
