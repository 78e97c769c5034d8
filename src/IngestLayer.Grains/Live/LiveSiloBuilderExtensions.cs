using IngestLayer.Contracts.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IngestLayer.Grains.Live;

/// <summary>The live feeds' silo setup, the same in embedded and durable mode and in the grain tests.</summary>
public static class LiveSiloBuilderExtensions
{
    /// <summary>
    /// Memory streams named <see cref="LiveStreams.Provider"/> on a few queues, their pub-sub table, this silo's copy
    /// of the watched feeds and its refresher, and the outbox that groups this silo's batches per feed.
    /// </summary>
    public static ISiloBuilder AddIngestLayerLiveStreams(this ISiloBuilder silo)
    {
        // Two queues: each is a pulling agent polling on its own; the feeds are light, and the machine is small.
        silo.AddMemoryStreams(LiveStreams.Provider, streams => streams.ConfigurePartitioning(2));

        // The pub-sub table (who subscribes to which stream) lives in memory even in durable mode: the feeds are a
        // view whose subscribers are HTTP connections, which end with their host anyway, so nothing is lost that a
        // reconnect does not restore; and subscribing must not write to PostgreSQL.
        silo.AddMemoryGrainStorage(Orleans.Providers.ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME);

        silo.Services.TryAddSingleton<LiveWatchCache>();
        silo.Services.AddHostedService<LiveWatchRefresher>();
        silo.Services.TryAddSingleton<LiveOutbox>();
        silo.Services.AddHostedService<LiveOutboxFlusher>();
        return silo;
    }
}
