using IngestLayer.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IngestLayer.Slack;

/// <summary>Registers Slack alert delivery.</summary>
public static class SlackServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="SlackOptions"/> (section <c>Slack</c>, validated on start), the typed
    /// <see cref="SlackClient"/> with its retry policy, the <see cref="AlertMessageRenderer"/> and the
    /// <see cref="AlertDeliveryService"/>; the install flow (<see cref="SlackInstaller"/>) and the workspace tokens it stores
    /// (<see cref="ISlackTokenSource"/>), encrypted with Data Protection. The host must register an <c>IAlertOutbox</c> and an
    /// <c>IOwnerPreferenceStore</c>, may register an <c>ISlackInstallationStore</c> (else in memory), and chooses where the Data Protection key ring lives.
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
        services.TryAddSingleton<SlackChannelHealth>();

        // One application name on every host: Data Protection isolates applications by it (by default the content
        // root path, which differs between machines), and a token one host encrypted must decrypt on every other.
        services.AddDataProtection().SetApplicationName("IngestLayer");

        // A host without storage of its own (tests, tools) keeps installations in memory; durable mode replaces this.
        services.TryAddSingleton<ISlackInstallationStore, MemorySlackInstallationStore>();
        services.TryAddSingleton<SlackTokenProtector>();
        services.TryAddSingleton<SlackInstallState>();
        services.TryAddSingleton<SlackTokenSource>();
        services.TryAddSingleton<ISlackTokenSource>(sp => sp.GetRequiredService<SlackTokenSource>());
        services.TryAddSingleton<SlackPoster>();
        services.TryAddSingleton<SlackInstaller>();

        var oauth = services.AddHttpClient<SlackOAuthClient>(http => http.Timeout = TimeSpan.FromSeconds(15))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
#pragma warning disable EXTEXP0001 // As below: no retries for a single-use code or refresh token.
        oauth.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

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
