using IngestLayer.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.Security;

/// <summary>
/// Loads the stored sources into <see cref="WriteKeys"/> at start-up, every <see cref="SourceKeyOptions.RefreshInterval"/>,
/// and at once after this host changes one. When the store is unavailable the last copy stays in use.
/// </summary>
public sealed partial class SourceKeyRefresher(
    ISourceStore store,
    WriteKeys keys,
    IOptions<SourceKeyOptions> options,
    TimeProvider time,
    ILogger<SourceKeyRefresher> logger) : BackgroundService
{
    // One load at a time: a periodic load that read the store before a change must not land after the
    // load the change triggered and bring a revoked key back until the next tick.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PeriodicTimer? _timer;

    /// <summary>Reloads the stored sources now; throws <see cref="StorageUnavailableException"/> when the store cannot be read.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            keys.Load(await store.ListAsync(includeRevoked: false, cancellationToken));
        }
        finally
        {
            _gate.Release();
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the host takes requests, so a restarted host does not refuse stored keys until its first tick.
        await TryRefreshAsync(cancellationToken);
        // Started here rather than in ExecuteAsync (which runs later, on the thread pool): the interval counts from now.
        _timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer!.WaitForNextTickAsync(stoppingToken))
            {
                await TryRefreshAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        _gate.Dispose();
        base.Dispose();
    }

    private async Task TryRefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(cancellationToken);
        }
        catch (StorageUnavailableException e)
        {
            LogRefreshFailed(logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reload the stored sources' keys; the last copy stays in use: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
