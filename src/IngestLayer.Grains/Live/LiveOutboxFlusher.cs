using IngestLayer.Contracts.Live;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace IngestLayer.Grains.Live;

/// <summary>
/// Publishes this silo's <see cref="LiveOutbox"/> every <see cref="Interval"/>: one memory-stream item per watched
/// feed rather than one per applied batch (measured: per-batch publishing cost a fully watched ingest about three
/// times its CPU per event). A failed publish is logged at debug; the feed misses that interval.
/// </summary>
internal sealed partial class LiveOutboxFlusher(IClusterClient client, LiveOutbox outbox, ILogger<LiveOutboxFlusher> logger) : BackgroundService
{
    /// <summary>The latency the grouping adds to a live feed.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        IStreamProvider? provider = null;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var taken = outbox.TakeAll();
            if (taken.Count == 0)
            {
                continue;
            }

            try
            {
                provider ??= client.GetStreamProvider(LiveStreams.Provider);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPublishFailed(logger, "(provider)", e);
                continue;
            }

            await Task.WhenAll(taken.Select(t => PublishAsync(provider, t.WatchKey, t.Delivery)));
        }
    }

    private async Task PublishAsync(IStreamProvider provider, string watchKey, LiveDelivery delivery)
    {
        try
        {
            var (ns, key) = LiveStreams.Stream(watchKey);
            await provider.GetStream<LiveDelivery>(StreamId.Create(ns, key)).OnNextAsync(delivery);
        }
        catch (Exception e)
        {
            LogPublishFailed(logger, watchKey, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Publishing on live feed {WatchKey} failed; the feed misses these batches")]
    private static partial void LogPublishFailed(ILogger logger, string watchKey, Exception exception);
}
