using IngestLayer.Gateway.Endpoints;
using IngestLayer.Gateway.Security;
using IngestLayer.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway;

/// <summary>Registers the gateway's services: options, write keys, the ingestion path and the router.</summary>
public static class GatewayServiceCollectionExtensions
{
    public static IServiceCollection AddIngestGateway(this IServiceCollection services)
    {
        services.AddSingleton<GeneratedCredentials>();
        services.AddSingleton<IPostConfigureOptions<IngestLayerOptions>>(sp => sp.GetRequiredService<GeneratedCredentials>());
        services.AddOptions<IngestLayerOptions>().BindConfiguration(IngestLayerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<WriteKeys>();
        services.AddSingleton<EventRouter>();
        services.AddOptions<DispatchOptions>().BindConfiguration(DispatchOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<EventDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<EventDispatcher>());
        // The event log hands what it stores to the dispatcher, in log order.
        services.AddSingleton<IEventLogObserver>(sp => sp.GetRequiredService<EventDispatcher>());
        services.TryAddSingleton<IDispatchLedger, NoDispatchLedger>();
        services.AddSingleton<IngestService>();
        services.AddSingleton<AdminTokenFilter>();
        services.AddSingleton<Pipelines.PipelineTester>();
        services.AddSingleton<ReadYourWritesFilter>();
        services.TryAddSingleton<IWebhookSourceStore, MemoryWebhookSourceStore>();
        services.AddSingleton<WebhookSources.WebhookSourceDirectory>();
        services.AddSingleton<WebhookSources.WebhookIngress>();
        return services;
    }
}
