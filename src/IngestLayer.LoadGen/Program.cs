using System.Globalization;
using System.Net;
using System.Net.Sockets;
using IngestLayer.Host;
using IngestLayer.LoadGen;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// Benchmark, not a test: the gateway (embedded mode) against the bare ceiling endpoint, each in a child
// process of its own, driven by the same client with the same batches in alternating rounds; medians are
// what to quote.
const string writeKey = "wk_loadgen_0123456789";

if (args is ["--serve", var serve])
{
    await ServeAsync(serve);
    return 0;
}

var options = LoadOptions.Parse(args);
var runner = new LoadRunner(options, new BatchWriter(options));
await using var ceiling = await TargetProcess.StartAsync("ceiling");
await using var gateway = await TargetProcess.StartAsync("gateway");

Console.WriteLine($"IngestLayer load generator: {options.Rounds} rounds × {options.Duration.TotalSeconds:0}s per target, concurrency {options.Concurrency}, "
    + $"batches of {options.BatchSize} events over {options.Accounts} accounts and {options.Users} users, {Environment.ProcessorCount} cores");
var results = new List<RunResult>();
for (var round = 1; round <= options.Rounds; round++)
{
    foreach (var (name, server) in new[] { ("ceiling", ceiling), ("gateway", gateway) })
    {
        if (options.Targets != "both" && options.Targets != name)
        {
            continue;
        }

        var result = await runner.RunAsync(name, server.Url, writeKey, server.CpuTime);
        results.Add(result);
        Console.WriteLine($"  round {round} {name,-8} {result.EventsPerSecond,10:N0} events/s  {result.Requests / result.Elapsed.TotalSeconds,7:N0} req/s  "
            + $"p50 {result.P50Ms,6:N1} ms  p99 {result.P99Ms,6:N1} ms  server CPU {result.ServerCpuMicrosPerEvent,5:N2} µs/event  failures {result.Failures}");
    }
}

Console.WriteLine();
Console.WriteLine("median of rounds     events/s      p50 ms   p99 ms   server CPU µs/event");
foreach (var target in new[] { "ceiling", "gateway" })
{
    var rs = results.Where(r => r.Target == target).ToList();
    if (rs.Count > 0)
    {
        Console.WriteLine($"  {target,-16} {Median(rs.Select(r => r.EventsPerSecond)),10:N0}   {Median(rs.Select(r => r.P50Ms)),8:N1} {Median(rs.Select(r => r.P99Ms)),8:N1}   {Median(rs.Select(r => r.ServerCpuMicrosPerEvent)),8:N2}");
    }
}

if (options.Targets == "both")
{
    var ratio = Median(results.Where(r => r.Target == "gateway").Select(r => r.EventsPerSecond))
        / Median(results.Where(r => r.Target == "ceiling").Select(r => r.EventsPerSecond));
    Console.WriteLine($"gateway / ceiling = {ratio:P0} (target for embedded mode: at least 50%)");
}

return results.Any(r => r.Failures > 0) ? 1 : 0;

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static async Task ServeAsync(string target)
{
    if (target == "ceiling")
    {
        var (app, url) = await CeilingServer.StartAsync();
        await TargetProcess.ServeUntilParentLeavesAsync(url);
        await app.StopAsync();
        return;
    }

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
        });
    });
    await host.StartAsync();
    var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    await TargetProcess.ServeUntilParentLeavesAsync(new Uri(address));
    await host.StopAsync();
}

static string FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
}
