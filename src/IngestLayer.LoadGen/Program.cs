using System.Globalization;
using System.Net;
using System.Net.Sockets;
using IngestLayer.Host;
using IngestLayer.LoadGen;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// Benchmark, not a test: the gateway (embedded mode, in this process) against the bare ceiling endpoint,
// same client, same batches, alternating rounds; medians are what to quote.
var options = LoadOptions.Parse(args);
const string writeKey = "wk_loadgen_0123456789";
var batches = new BatchWriter(options);
var runner = new LoadRunner(options, batches);

var (ceiling, ceilingUrl) = await CeilingServer.StartAsync();
var host = IngestLayerHost.Create(["--urls", "http://127.0.0.1:0"], builder =>
{
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["IngestLayer:AdminToken"] = "adm_loadgen_0123456789abcdef",
        ["IngestLayer:Sources:loadgen:WriteKey"] = writeKey,
        ["IngestLayer:Signals:PaidFeatures:0"] = "csv.export",
        ["Orleans:SiloPort"] = FreePort(),
        ["Orleans:GatewayPort"] = FreePort(),
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:IngestLayer.Grains.AccountGrain"] = "Warning",
    });
});
await host.StartAsync();
var hostUrl = new Uri(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

Console.WriteLine($"IngestLayer load generator: {options.Rounds} rounds × {options.Duration.TotalSeconds:0}s per target, concurrency {options.Concurrency}, "
    + $"batches of {options.BatchSize} events over {options.Accounts} accounts and {options.Users} users, {Environment.ProcessorCount} cores");
var results = new List<RunResult>();
for (var round = 1; round <= options.Rounds; round++)
{
    foreach (var (name, url) in new[] { ("ceiling", ceilingUrl), ("gateway", hostUrl) })
    {
        if (options.Targets != "both" && options.Targets != name)
        {
            continue;
        }

        var result = await runner.RunAsync(name, url, writeKey);
        results.Add(result);
        Console.WriteLine($"  round {round} {name,-8} {result.EventsPerSecond,10:N0} events/s  {result.Requests / result.Elapsed.TotalSeconds,7:N0} req/s  "
            + $"p50 {result.P50Ms,6:N1} ms  p99 {result.P99Ms,6:N1} ms  failures {result.Failures}  "
            + $"(cpu {result.Cpu.TotalSeconds / result.Elapsed.TotalSeconds:N2} cores, gc pause {result.GcPause.TotalMilliseconds / result.Elapsed.TotalSeconds / 10:N1}%, gen2 {result.Gen2}, {result.Allocated / (double)result.Events:N0} B allocated/event)");
    }
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    if (sorted.Length == 0)
    {
        return double.NaN;
    }

    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

var ceilingEps = Median(results.Where(r => r.Target == "ceiling").Select(r => r.EventsPerSecond));
var gatewayEps = Median(results.Where(r => r.Target == "gateway").Select(r => r.EventsPerSecond));
Console.WriteLine();
Console.WriteLine("median of rounds     events/s      p50 ms   p99 ms");
foreach (var target in new[] { "ceiling", "gateway" })
{
    var rs = results.Where(r => r.Target == target).ToList();
    if (rs.Count == 0)
    {
        continue;
    }

    Console.WriteLine($"  {target,-16} {Median(rs.Select(r => r.EventsPerSecond)),10:N0}   {Median(rs.Select(r => r.P50Ms)),8:N1} {Median(rs.Select(r => r.P99Ms)),8:N1}");
}

if (options.Targets == "both")
{
    Console.WriteLine($"gateway / ceiling = {gatewayEps / ceilingEps:P0} (target for embedded mode: at least 50%)");
}

GcReport();
await host.StopAsync();
await ceiling.StopAsync();
return results.Any(r => r.Failures > 0) ? 1 : 0;

static string FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
}
static void GcReport()
{
    foreach (var kind in new[] { GCKind.Ephemeral, GCKind.FullBlocking, GCKind.Background })
    {
        var info = GC.GetGCMemoryInfo(kind);
        Console.WriteLine($"gc {kind}: index {info.Index} gen {info.Generation} promoted {info.PromotedBytes / 1e6:N1} MB heap {info.HeapSizeBytes / 1e6:N0} MB pause {string.Join("/", info.PauseDurations.ToArray().Select(p => p.TotalMilliseconds.ToString("N1")))} ms, gens {string.Join(" ", info.GenerationInfo.ToArray().Select(g => (g.SizeAfterBytes / 1e6).ToString("N0")))}");
    }
    Console.WriteLine($"collections gen0 {GC.CollectionCount(0)} gen1 {GC.CollectionCount(1)} gen2 {GC.CollectionCount(2)} total pause {GC.GetTotalPauseDuration().TotalMilliseconds:N0} ms, allocated {GC.GetTotalAllocatedBytes() / 1e9:N1} GB");
}
