using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IngestLayer.Webhooks;

/// <summary>Registers the outgoing webhook sender.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="WebhookSenderOptions"/> (section <c>Webhooks</c>, validated on start) and the typed
    /// <see cref="WebhookSender"/>. Its handler follows no redirects: a destination URL is checked when it is
    /// saved, and a redirect would send the signed body on to a URL nobody checked (an internal address, a
    /// metadata endpoint), and 301/302 would turn the POST into a GET without a body anyway. It keeps no cookies,
    /// so one receiver cannot set state that is sent to the next.
    /// </summary>
    public static IServiceCollection AddWebhookSender(this IServiceCollection services)
    {
        services.AddOptions<WebhookSenderOptions>()
            .BindConfiguration(WebhookSenderOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);

        var sender = services.AddHttpClient<WebhookSender>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                // A long-lived client (the outbox's worker holds it) picks up DNS changes by recycling connections.
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        // One attempt per call: a resilience handler added to every client (service defaults often do) would
        // retry inside the call and wait out a Retry-After that the outbox should schedule instead.
#pragma warning disable EXTEXP0001 // Experimental, but the only way to opt one client out; the package version is pinned.
        sender.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return services;
    }

    /// <summary>
    /// Adds the sender and the <see cref="WebhookDeliveryService"/>, the worker that posts the outbox's webhook
    /// deliveries (it needs an <c>IAlertOutbox</c> and an <c>IPipelineStore</c> registered).
    /// </summary>
    public static IServiceCollection AddWebhookDeliveries(this IServiceCollection services)
    {
        services.AddWebhookSender();
        services.AddHostedService<WebhookDeliveryService>();
        return services;
    }
}
