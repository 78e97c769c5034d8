using System.Globalization;
using System.Net;
using System.Net.Sockets;
using IngestLayer.Host;
using IngestLayer.LoadGen;
using IngestLayer.Storage.Postgres;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

// Benchmark, not a test: the gateway (embedded mode) against the bare ceiling endpoint, each in a child
// process of its own, driven by the same client with the same batches in alternating rounds; medians are
// what to quote. --mode durable: the gateway on PostgreSQL against a bare Npgsql loop (DurableBenchmark).
const string writeKey = "wk_loadgen_0123456789";
const string adminToken = "adm_loadgen_0123456789abcdef";

if (args is ["--serve", var serve, .. var serveArgs])
{
    await ServeAsync(serve, serveArgs);
    return 0;
}

var options = LoadOptions.Parse(args);
if (options.Mode == "durable")
{
    return await DurableBenchmark.RunAsync(options, writeKey);
}

if (options.Mode == "rules")
{
    return await RulesBenchmark.RunAsync(options, writeKey, adminToken);
}

if (options.Mode == "formats")
{
    return await FormatsBenchmark.RunAsync(options, writeKey);
}

if (options.Mode == "pipelines")
{
    return await PipelinesBenchmark.RunAsync(options, writeKey, adminToken);
}

var runner = new LoadRunner(options, new BatchWriter(options));
await using var ceiling = await TargetProcess.StartAsync("ceiling");
await using var gateway = await TargetProcess.StartAsync("gateway");

Console.WriteLine($"IngestLayer load generator: {options.Rounds} rounds × {options.Duration.TotalSeconds:0}s per target, concurrency {options.Concurrency}, "
    + $"batches of {options.BatchSize} events over {options.Accounts} accounts and {options.Users} users, {Environment.ProcessorCount} cores");
var results = await Rounds.RunAsync(options,
[
    ("ceiling", () => runner.RunAsync("ceiling", ceiling.Url, writeKey, ceiling.CpuTime)),
    ("gateway", () => runner.RunAsync("gateway", gateway.Url, writeKey, gateway.CpuTime)),
]);
Rounds.PrintMedians(results);
if (Rounds.Ratio(results) is { } ratio)
{
    // One decimal: rounded to a whole percent, 49.6% printed as the 50% it falls short of.
    Console.WriteLine($"gateway / ceiling = {ratio:P1} (target for embedded mode: at least 50%)");
}

return results.Any(r => r.Failures > 0) ? 1 : 0;

static async Task ServeAsync(string target, string[] serveArgs)
{
    if (target == "ceiling")
    {
        var (app, url) = await CeilingServer.StartAsync();
        await TargetProcess.ServeUntilParentLeavesAsync(url);
        await app.StopAsync();
        return;
    }

    if (target == NpgsqlCeiling.Target)
    {
        // The durable ceiling: schema by the host's own migrator, then load phases on command.
        var options = LoadOptions.Parse(serveArgs);
        await using var dataSource = NpgsqlDataSource.Create(options.Postgres!);
        await new SchemaMigrator(dataSource).MigrateAsync(CancellationToken.None);
        await using var npgsql = await NpgsqlCeiling.OpenAsync(dataSource, options, new EventGenerator(options));
        await TargetProcess.ServeCommandsAsync(new NpgsqlConnectionStringBuilder(options.Postgres).Database ?? "",
            async seconds => (await npgsql.RunAsync(TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture)))).Format());
        return;
    }

    // Durable mode when the parent passes --postgres (the durable benchmark). The host itself still reads
    // ConnectionStrings__Postgres from the environment, as it always has.
    var postgres = serveArgs is ["--postgres", var connectionString] ? connectionString : null;

    var host = IngestLayerHost.Create(["--urls", "http://127.0.0.1:0"], builder =>
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["IngestLayer:AdminToken"] = adminToken,
            ["IngestLayer:Sources:loadgen:WriteKey"] = writeKey,
            ["IngestLayer:Signals:PaidFeatures:0"] = "csv.export",
            ["Orleans:SiloPort"] = FreePort(),
            ["Orleans:GatewayPort"] = FreePort(),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        if (postgres is not null)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = postgres,
                ["IngestLayer:HostId"] = "loadgen-gateway",
            });
        }
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
