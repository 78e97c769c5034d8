using Microsoft.Extensions.Logging;

namespace IngestLayer.Gateway;

/// <summary>
/// Durable dispatch: the start-up replay of this host's events after its checkpoint, the periodic checkpoint
/// (touched grains persist, then the checkpoint moves), and taking over the events of a host that died.
/// </summary>
public sealed partial class EventDispatcher
{
    /// <summary>
    /// Replays this host's events after its checkpoint, through the newest it appended before this start,
    /// so work acknowledged but not applied when the host died reaches its grains without waiting for them
    /// to be touched again. Events stored after the start are past that end and come through the queue.
    /// </summary>
    private async Task<bool> ReplayAsync(string origin, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var from = _checkpoint = await _ledger.ReadCheckpointAsync(origin, stoppingToken);
                var through = await _ledger.LastPositionAsync(origin, stoppingToken);
                await ReplayOriginAsync(origin, from, through, _touched!, stoppingToken);
                lock (_gate)
                {
                    _lastPosition = Math.Max(_lastPosition, through);
                }

                // Written at once (not moved): the row says this host is alive, so no other host adopts its events.
                await _ledger.WriteCheckpointAsync(origin, from, stoppingToken);
                return true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception ex)
            {
                // The database or the silo is not ready yet: nothing new is applied before the replay, so retry.
                LogReplayFailed(logger, ex, origin, attempt);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }
        }
    }

    /// <summary>Hands an origin's events after <paramref name="from"/> through <paramref name="through"/> to their grains, in pages.</summary>
    private async Task ReplayOriginAsync(string origin, long from, long through, TouchedGrains touched, CancellationToken cancellationToken)
    {
        var replayed = 0;
        while (from < through)
        {
            var page = await _ledger.ReadAsync(origin, from, through, _options.MaxRoundEvents, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            await router.ReplayAsync(page, origin, touched);
            from = page[^1].Position;
            replayed += page.Count;
        }

        LogReplayed(logger, replayed, origin, through);
    }

    /// <summary>
    /// Takes over the events of hosts that stopped checkpointing for <see cref="DispatchOptions.AdoptAfter"/>
    /// (they died, and no host under their name came back): replays them after their checkpoint, has the
    /// grains persist, and moves that host's checkpoint. Safe even if the host was only slow: grains skip
    /// what they applied before, by origin and position.
    /// </summary>
    private async Task AdoptStalledAsync(CancellationToken cancellationToken)
    {
        foreach (var origin in await _ledger.FindStalledOriginsAsync(_options.AdoptAfter, cancellationToken))
        {
            var from = await _ledger.ReadCheckpointAsync(origin, cancellationToken);
            var through = await _ledger.LastPositionAsync(origin, cancellationToken);
            // Its own set: this host's checkpoint must only ever persist what it waited to be applied.
            var touched = new TouchedGrains();
            LogAdopting(logger, origin, from, through);
            await ReplayOriginAsync(origin, from, through, touched, cancellationToken);
            await router.PersistAsync(touched.Take());
            await _ledger.WriteCheckpointAsync(origin, through, cancellationToken);
        }
    }

    private async Task CheckpointLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.CheckpointInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckpointAsync(stoppingToken);
                try
                {
                    await AdoptStalledAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogAdoptionFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping: ExecuteAsync takes the last checkpoint
        }
    }

    /// <summary>
    /// Moves the checkpoint to the newest position enqueued, once everything through it is applied and
    /// every grain it touched has written its state. A failure leaves the checkpoint where it was.
    /// </summary>
    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        long target;
        lock (_gate)
        {
            target = _lastPosition;
        }

        if (target <= _checkpoint)
        {
            await HeartbeatAsync(cancellationToken);
            return;
        }

        if (!await WaitForAppliedAsync(_options.ReadYourWritesWait, cancellationToken))
        {
            return;
        }

        var taken = _touched!.Take();
        try
        {
            await router.PersistAsync(taken);
            await _ledger.WriteCheckpointAsync(_ledger.Origin!, target, cancellationToken);
            _checkpoint = target;
            LogCheckpoint(logger, target, taken.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _touched.Restore(taken);
            LogCheckpointFailed(logger, ex, target);
        }
    }

    /// <summary>Rewrites the unchanged checkpoint: an idle host is alive, and others must not adopt its events.</summary>
    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _ledger.WriteCheckpointAsync(_ledger.Origin!, _checkpoint, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCheckpointFailed(logger, ex, _checkpoint);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Count} events of host {Origin} through position {Through}")]
    private static partial void LogReplayed(ILogger logger, int count, string origin, long through);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replaying the stored events of host {Origin} after a restart failed (attempt {Attempt}); retrying")]
    private static partial void LogReplayFailed(ILogger logger, Exception ex, string origin, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Host {Origin} stopped checkpointing with events after position {From}: replaying them through {Through}")]
    private static partial void LogAdopting(ILogger logger, string origin, long from, long through);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Taking over the events of a stalled host failed; trying again at the next checkpoint")]
    private static partial void LogAdoptionFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dispatch checkpoint at position {Position}: {Grains} grains persisted")]
    private static partial void LogCheckpoint(ILogger logger, long position, int grains);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatch checkpoint at position {Position} failed; it stays where it was")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception ex, long position);
}
