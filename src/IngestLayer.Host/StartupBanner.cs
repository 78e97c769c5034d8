using IngestLayer.Gateway;
using IngestLayer.Gateway.Security;
using IngestLayer.Grains.Signals;
using IngestLayer.Slack;
using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace IngestLayer.Host;

/// <summary>
/// Tells a newcomer, on the console, where the service listens and how to call it. Only credentials the
/// host generated itself are shown (once, here, not through the logger); configured secrets never are.
/// </summary>
internal static class StartupBanner
{
    public static void Print(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var generated = app.Services.GetRequiredService<GeneratedCredentials>();
        var options = app.Services.GetRequiredService<IOptions<IngestLayerOptions>>().Value;
        var slack = app.Services.GetRequiredService<IOptions<SlackOptions>>().Value;
        var url = addresses.FirstOrDefault() ?? "(no HTTP address)";

        var lines = new List<string> { "" };
        lines.AddRange(DescribeStorage(app.Services));
        lines.Add($"  URL:          {string.Join(", ", addresses)}");
        lines.Add(generated.DevWriteKey is { } key
            ? $"  Write key:    {key}   (source 'dev', workspace 'default'; generated for this run)"
            : $"  Sources:      {string.Join(", ", options.Sources.Select(s => $"{s.Key} (workspace {s.Value.Workspace})"))}");
        lines.Add(generated.AdminToken is { } admin
            ? $"  Admin token:  {admin}   (generated for this run; set IngestLayer__AdminToken to fix it)"
            : "  Admin token:  configured");
        var signals = app.Services.GetRequiredService<IOptions<SignalOptions>>().Value;
        lines.Add(signals.PaidFeatures.Count == 0
            ? "  Signals:      no paid features configured; set IngestLayer__Signals__PaidFeatures__0=csv.export to watch one"
            : $"  Signals:      paid features {string.Join(", ", signals.PaidFeatures)} on plans {string.Join(", ", signals.FreePlans)}");
        lines.Add((slack.HasBotToken, slack.IsInstallConfigured) switch
        {
            (_, true) => $"  Slack:        install the app at {url}/slack/install; workspaces without an installation{(slack.HasBotToken ? " use Slack__BotToken" : " go to the dev inbox")}",
            (true, false) => $"  Slack:        posting via {slack.ApiBaseUrl}",
            _ => "  Slack:        no Slack__BotToken or Slack__ClientId set: alerts go to the dev inbox (GET /ops/alerts) and the log",
        });
        lines.Add($"  Try:          curl -X POST {url}/v1/events -H 'Authorization: Bearer {generated.DevWriteKey ?? "<write key>"}' -H 'Content-Type: application/json' -d '{{\"event\":\"feature.used\",\"user_id\":\"u1\",\"account_id\":\"acme\",\"properties\":{{\"feature\":\"csv.export\"}}}}'");
        lines.Add("");
        Console.Out.WriteLine(string.Join(Environment.NewLine, lines));
    }

    /// <summary>Which mode, which database (host, port and name: never the password), and what is durable in it.</summary>
    private static IEnumerable<string> DescribeStorage(IServiceProvider services)
    {
        var mode = services.GetRequiredService<StorageMode>();
        if (!mode.IsDurable)
        {
            yield return "IngestLayer is running (embedded mode: in-memory event log, grain state and outbox).";
            yield break;
        }

        var silo = services.GetRequiredService<IOptions<SiloOptions>>().Value;
        yield return $"IngestLayer is running (durable mode: PostgreSQL at {mode.DescribeDatabase()}).";
        yield return $"  Cluster:      {silo.ClusterIdFor(durable: true)} (silo port {silo.SiloPort}, gateway port {silo.GatewayPort}); membership, grain state and reminders in PostgreSQL";
        yield return $"  Event log:    {Where(services.GetRequiredService<IEventLog>())}";
        yield return $"  Alert outbox: {Where(services.GetRequiredService<IAlertOutbox>())}";
    }

    // Named from the implementation actually registered, so the banner cannot claim more durability than there is.
    private static string Where(object implementation) =>
        implementation.GetType().Namespace == typeof(PostgresOptions).Namespace
            ? "PostgreSQL"
            : $"in memory on this host ({implementation.GetType().Name}): lost when it stops";
}
