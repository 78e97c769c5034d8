using IngestLayer.Contracts.Live;
using IngestLayer.Gateway.Endpoints;
using IngestLayer.Gateway.Live;
using IngestLayer.Gateway.RateLimits;
using IngestLayer.Gateway.Security;
using IngestLayer.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway;

/// <summary>Registers the gateway's services: options, write keys and rate limits, the ingestion path and the router.</summary>
public static class GatewayServiceCollectionExtensions
{
    public static IServiceCollection AddIngestGateway(this IServiceCollection services)
    {
        services.AddSingleton<GeneratedCredentials>();
        services.AddSingleton<IPostConfigureOptions<IngestLayerOptions>>(sp => sp.GetRequiredService<GeneratedCredentials>());
        services.AddOptions<IngestLayerOptions>().BindConfiguration(IngestLayerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<WriteKeys>();
        services.AddOptions<SourceKeyOptions>().BindConfiguration(SourceKeyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ISourceStore, MemorySourceStore>();
        services.AddSingleton<SourceKeyRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<SourceKeyRefresher>());
        services.AddIngestRateLimits();
        services.AddSingleton<EventRouter>();
        services.AddOptions<DispatchOptions>().BindConfiguration(DispatchOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<EventDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<EventDispatcher>());
        // The event log hands what it stores to the dispatcher, in log order.
        services.AddSingleton<IEventLogObserver>(sp => sp.GetRequiredService<EventDispatcher>());
        services.TryAddSingleton<IDispatchLedger, NoDispatchLedger>();
        services.AddSingleton<IngestService>();
        services.AddOptions<PostHog.PostHogOptions>().BindConfiguration(PostHog.PostHogOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AdminTokenFilter>();
        services.AddSingleton<Pipelines.PipelineTester>();
        services.AddSingleton<ReadYourWritesFilter>();
        services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<LiveWatchCache>(); // the silo's copy: the same instance when co-hosted
        services.AddSingleton<LiveFeeds>();
        services.TryAddSingleton<IWebhookSourceStore, MemoryWebhookSourceStore>();
        services.AddSingleton<WebhookSources.WebhookSourceDirectory>();
        services.AddSingleton<WebhookSources.WebhookIngress>();
        // The Slack app's request URLs (the slash command, the alert buttons).
        services.TryAddSingleton<IngestLayer.Slack.SlackSignatureVerifier>();
        services.TryAddSingleton<IngestLayer.Slack.EngagementMessageRenderer>();
        services.AddSingleton<SlackApp.SlackRequestReader>();
        services.AddSingleton<SlackApp.SlackTeamWorkspaces>();
        services.AddSingleton<SlackApp.EngagementCommand>();
        services.AddSingleton<SlackApp.AlertInteractions>();
        return services;
    }
}
