using IngestLayer.Contracts.Live;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IngestLayer.Grains.Live;

/// <summary>
/// Keeps this silo's <see cref="LiveWatchCache"/> in step with the cluster's <see cref="ILiveWatchersGrain"/>: one
/// small call per interval, answered with nothing while the set is unchanged.
/// </summary>
internal sealed partial class LiveWatchRefresher(IGrainFactory grains, LiveWatchCache cache, ILogger<LiveWatchRefresher> logger) : BackgroundService
{
    /// <summary>How late a host sees a feed watched on another host.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var registry = grains.GetGrain<ILiveWatchersGrain>(ILiveWatchersGrain.Key);
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (await registry.GetIfChangedAsync(cache.Epoch, cache.Version) is { } set)
                {
                    cache.Apply(set);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The silo starting or stopping, or the registry's silo gone: the next tick asks again.
                LogRefreshFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refreshing the watched live feeds failed")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
