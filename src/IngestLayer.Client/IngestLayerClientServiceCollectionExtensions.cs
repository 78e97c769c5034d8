using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Client;

/// <summary>Registers the <see cref="IngestLayerClient"/> with dependency injection.</summary>
public static class IngestLayerClientServiceCollectionExtensions
{
    /// <summary>The name of the client's <see cref="HttpClient"/> in <c>IHttpClientFactory</c>.</summary>
    public const string HttpClientName = "IngestLayer.Client";

    /// <summary>
    /// Adds a singleton <see cref="IngestLayerClient"/> configured by <paramref name="configure"/> (validated at start-up),
    /// its named HttpClient with the retry pipeline, and a <see cref="TimeProvider"/> if none is registered. The container
    /// disposes the client when it is disposed, which sends what is queued.
    /// </summary>
    public static IHttpClientBuilder AddIngestLayerClient(this IServiceCollection services, Action<IngestLayerClientOptions> configure)
    {
        services.AddOptions<IngestLayerClientOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IngestLayerClientOptions>, IngestLayerClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        var http = services.AddHttpClient(HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            // The client is a singleton holding its HttpClient for good, so handler rotation never happens;
            // a pooled connection lifetime picks up DNS changes instead.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        // Service defaults often add the standard resilience handler to every client: drop it, so retries do not stack.
#pragma warning disable EXTEXP0001 // Experimental, but the only way to opt one client out; the package version is pinned.
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        http.AddResilienceHandler("ingestlayer-client", (pipeline, context) => ClientRetryPolicy.Configure(
            pipeline,
            context.ServiceProvider.GetRequiredService<IOptions<IngestLayerClientOptions>>().Value,
            context.ServiceProvider.GetRequiredService<TimeProvider>()));

        services.TryAddSingleton(sp => new IngestLayerClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<IOptions<IngestLayerClientOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<IngestLayerClient>>(),
            ownsHttp: false));
        return http;
    }
}
