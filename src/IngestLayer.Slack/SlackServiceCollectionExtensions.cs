using IngestLayer.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IngestLayer.Slack;

/// <summary>Registers Slack alert delivery.</summary>
public static class SlackServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="SlackOptions"/> (section <c>Slack</c>, validated on start), the typed
    /// <see cref="SlackClient"/> with its retry policy, the <see cref="AlertMessageRenderer"/> and the
    /// <see cref="AlertDeliveryService"/>. The host must register an <c>IAlertOutbox</c> and an <c>IOwnerPreferenceStore</c>.
    /// </summary>
    public static IServiceCollection AddSlackAlerts(this IServiceCollection services)
    {
        services.AddOptions<SlackOptions>()
            .BindConfiguration(SlackOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AlertMessageRenderer>();
        services.TryAddSingleton<AlertDigestRenderer>();
        services.TryAddSingleton<OwnerDigestRenderer>();
        services.TryAddSingleton<ISlackThreadStore, MemorySlackThreadStore>();
        services.TryAddSingleton<AlertThreads>();

        var slack = services.AddHttpClient<SlackClient>()
            // The client lives as long as the singleton delivery service, so the factory's handler rotation
            // never happens; a pooled connection lifetime picks up DNS changes instead.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        // Drop any handler added by ConfigureHttpClientDefaults (service defaults often add the standard
        // resilience handler to every client), so retries do not stack and a long Retry-After is not waited out.
#pragma warning disable EXTEXP0001 // Experimental, but the only way to opt one client out; the package version is pinned.
        slack.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        slack.AddResilienceHandler("slack", SlackRetryPolicy.Configure);

        services.AddHostedService<AlertDeliveryService>();
        services.TryAddSingleton<SlackSignatureVerifier>();
        services.TryAddSingleton<EngagementMessageRenderer>();
        services.AddSingleton<SlackMessageUpdater>();
        services.AddHostedService(sp => sp.GetRequiredService<SlackMessageUpdater>());
        return services;
    }
}
