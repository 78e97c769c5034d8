using System.Globalization;
using System.Net;
using System.Net.Sockets;
using IngestLayer.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IngestLayer.EndToEndTests;

/// <summary>
/// A host of its own for the sources tests, with tiny limits (1 event/s per source with a burst of 10; one
/// ingestion request at a time) and every log line captured. Tests use sources of their own, since the
/// buckets are per source.
/// </summary>
public sealed class LimitedHostFixture : IAsyncLifetime
{
    public const string AdminToken = "adm_limited_0123456789abcdef";
    public const int BurstEvents = 10;

    /// <summary>Configured sources, each for one test: name → key.</summary>
    public static readonly IReadOnlyDictionary<string, string> ConfiguredKeys = new Dictionary<string, string>
    {
        ["web"] = "wk_conf_web_0123456789",
        ["limited"] = "wk_conf_limited_0123456789",
        ["unlimited"] = "wk_conf_unaffected_0123456789",
        ["probe"] = "wk_conf_probe_0123456789",
        ["held"] = "wk_conf_held_0123456789",
    };

    private readonly LogCapture _logs = new();
    private WebApplication? _app;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    internal IReadOnlyList<string> LogLines => _logs.Lines;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["IngestLayer:AdminToken"] = AdminToken,
            ["IngestLayer:RateLimits:PerKeyEventsPerSecond"] = "1",
            ["IngestLayer:RateLimits:PerKeyBurstEvents"] = BurstEvents.ToString(CultureInfo.InvariantCulture),
            ["IngestLayer:RateLimits:MaxConcurrentRequests"] = "1",
            ["Orleans:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Information",
        };
        foreach (var (name, key) in ConfiguredKeys)
        {
            settings[$"IngestLayer:Sources:{name}:WriteKey"] = key;
        }

        _app = IngestLayerHost.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.AddProvider(_logs);
            // Everything of our own, down to Trace, so a key logged at any level would be seen.
            builder.Logging.AddFilter<LogCapture>("IngestLayer", LogLevel.Trace);
        });
        await _app.StartAsync();
        Http.BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Http.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class LimitedHostCollection : ICollectionFixture<LimitedHostFixture>
{
    public const string Name = "limited host";
}
