using IngestLayer.Gateway.Endpoints;
using IngestLayer.ServiceDefaults;

namespace IngestLayer.Host;

/// <summary>
/// Builds the one process: Orleans silo, ingestion gateway, ops API and alert delivery. Tests and the
/// load generator build it the same way, with a callback to add or override settings.
/// </summary>
public static class IngestLayerHost
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults();
        builder.AddApplicationServices();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        // After routing (which WebApplication puts first), so it sees which endpoints carry the ingestion limit.
        app.UseRateLimiter();
        app.MapIngestApi();
        app.MapSegmentApi();
        app.MapPostHogApi();
        app.MapOpsApi();
        app.MapRulesApi();
        app.MapPipelinesApi();
        app.MapOwnerPreferencesApi();
        app.MapRebuildApi();
        app.MapLiveApi();
        app.MapSourcesApi();
        app.MapWebhookIngressApi();
        app.MapSlackApi();
        app.MapSlackInstallApi();
        app.MapSlackOpsApi();
        app.MapSlackHealthApi();
        app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Print(app));
        return app;
    }
}
