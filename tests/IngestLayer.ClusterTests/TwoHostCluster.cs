using IngestLayer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace IngestLayer.ClusterTests;

/// <summary>
/// Two real host processes in durable mode on one fresh PostgreSQL database, each with its own HTTP, silo
/// and gateway ports, plus an Orleans client of the test's own for the management grain. Shared by the
/// tests of a class; a test that stops a host leaves it to <see cref="EnsureRunningAsync"/> to bring back.
/// </summary>
public sealed class TwoHostCluster : IAsyncLifetime
{
    public const string WriteKey = "wk_cluster_web_0123456789";
    public const string AdminToken = "adm_cluster_0123456789abcdef";

    // The host's durable-mode defaults: the test's client must join the same cluster.
    public const string ServiceId = "ingestlayer";
    public const string ClusterId = "ingestlayer";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private readonly Dictionary<string, (int SiloPort, int GatewayPort)> _ports = new()
    {
        ["A"] = (HostProcess.FreePort(), HostProcess.FreePort()),
        ["B"] = (HostProcess.FreePort(), HostProcess.FreePort()),
    };
    private PostgresServer? _server;
    private IHost? _client;

    public string ConnectionString { get; private set; } = "";

    /// <summary>The Slack both hosts talk to, with the app installable (client id, secret and redirect URI configured).</summary>
    public FakeSlack Slack { get; private set; } = null!;

    public const string SlackRedirectUri = "https://cluster.example.test/slack/oauth/callback";

    public HostProcess A { get; private set; } = null!;

    public HostProcess B { get; private set; } = null!;

    public int SiloPortOf(HostProcess host) => _ports[host.Name].SiloPort;

    public IGrainFactory Grains => _client!.Services.GetRequiredService<IClusterClient>();

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.AcquireSharedAsync();
        ConnectionString = await _server.CreateDatabaseAsync("cluster");
        Slack = await FakeSlack.StartAsync();

        // Started together on an empty database: both migrate, one waits for the other's advisory lock.
        var a = StartHostAsync("A");
        var b = StartHostAsync("B");
        (A, B) = (await a, await b);

        _client = new HostBuilder()
            .UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (ServiceId, ClusterId));
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = ConnectionString;
                });
            })
            .Build();
        await _client.StartAsync().WaitAsync(StartTimeout);
    }

    /// <summary>Restarts whichever host an earlier test stopped, so each test starts from a two-host cluster.</summary>
    public async Task EnsureRunningAsync()
    {
        if (A.HasExited)
        {
            await A.DisposeAsync();
            A = await StartHostAsync("A");
        }
        if (B.HasExited)
        {
            await B.DisposeAsync();
            B = await StartHostAsync("B");
        }
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            _client.Dispose();
        }
        foreach (var host in new[] { A, B }.Where(h => h is not null))
        {
            await host.DisposeAsync();
        }
        if (Slack is not null)
        {
            await Slack.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DropDatabaseAsync(ConnectionString);
            await PostgresServer.ReleaseSharedAsync();
        }
    }

    private Task<HostProcess> StartHostAsync(string name) => HostProcess.StartDurableAsync(name, ConnectionString, new Dictionary<string, string>
    {
        // Snapshots only at deactivation and shutdown during the tests: what a stopped host leaves behind
        // is then provably its shutdown write, not a periodic one or a checkpoint's.
        ["IngestLayer__GrainState__FlushInterval"] = "01:00:00",
        ["IngestLayer__Dispatch__CheckpointInterval"] = "01:00:00",
        ["IngestLayer__Dispatch__AdoptAfter"] = "04:00:00",
        // No bot token: alerts stay in the dev inbox unless a test installs the app for its workspace.
        ["Slack__ApiBaseUrl"] = Slack.BaseUrl,
        ["Slack__ClientId"] = Slack.ClientId,
        ["Slack__ClientSecret"] = Slack.ClientSecret,
        ["Slack__RedirectUri"] = SlackRedirectUri,
    }, _ports[name]);
}
