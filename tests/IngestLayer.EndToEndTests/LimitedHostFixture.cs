using System.Globalization;
using Microsoft.AspNetCore.Builder;
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
            ["Logging:LogLevel:Default"] = "Information",
        };
        foreach (var (name, key) in ConfiguredKeys)
        {
            settings[$"IngestLayer:Sources:{name}:WriteKey"] = key;
        }

        (_app, var address) = await LoopbackHost.StartAsync(settings, builder =>
        {
            builder.Logging.AddProvider(_logs);
            // Everything of our own, down to Trace, so a key logged at any level would be seen.
            builder.Logging.AddFilter<LogCapture>("IngestLayer", LogLevel.Trace);
        });
        Http.BaseAddress = address;
    }

    public async Task DisposeAsync()
    {
        await LoopbackHost.StopAsync(_app);

        Http.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class LimitedHostCollection : ICollectionFixture<LimitedHostFixture>
{
    public const string Name = "limited host";
}
