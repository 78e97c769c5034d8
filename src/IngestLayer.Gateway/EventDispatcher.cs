using System.Diagnostics;
using IngestLayer.Contracts;
using IngestLayer.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway;

/// <summary>
/// Hands stored events to their grains in rounds, decoupled from the requests that brought them: a request
/// is answered once its events are in the log, and each round takes everything stored since the last one.
/// Under load rounds grow by themselves, so one grain call carries many requests' events for a key; user
/// activity of events that name their account is aggregated across rounds and handed over about once a
/// second (<see cref="DispatchOptions.UserFlushInterval"/>). Rounds run one at a time, so each key sees its
/// events in the order they were stored.
/// <para>
/// Over a durable log (an <see cref="IDispatchLedger"/> with an origin) dispatch is at-least-once across
/// crashes: every <see cref="DispatchOptions.CheckpointInterval"/> the grains touched since the last
/// checkpoint persist their state and the checkpoint moves to the newest position applied; on start-up the
/// events after it are replayed. Grains skip what they applied before by origin and position.
/// </para>
/// </summary>
public sealed partial class EventDispatcher(
    EventRouter router,
    IOptions<DispatchOptions> options,
    ILogger<EventDispatcher> logger,
    IDispatchLedger? ledger = null) : BackgroundService, IEventLogObserver
{
    private readonly DispatchOptions _options = options.Value;
    private readonly IDispatchLedger _ledger = ledger ?? new NoDispatchLedger();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _work = new(0);
    private readonly UserActivityBuffer _held = new();
    private readonly TouchedGrains? _touched = ledger?.Origin is null ? null : new TouchedGrains();
    private long _lastPosition;
    private long _checkpoint;
    private List<IngestEvent> _pending = [];
    private long _enqueued;
    private long _roundsApplied;
    private long _applied;
    private bool _flushRequested;
    private Task _flushing = Task.CompletedTask;
    private TaskCompletionSource _progress = NewSignal();

    /// <summary>Events stored but not yet handed to their grains.</summary>
    public int Pending
    {
        get { lock (_gate) { return _pending.Count; } }
    }

    /// <summary>
    /// Waits until there is room for more events (backpressure). False when none was made within
    /// <see cref="DispatchOptions.MaxQueueWait"/>: the caller should answer 503 and store nothing.
    /// </summary>
    public async ValueTask<bool> WaitForRoomAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_options.MaxQueueWait.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            Task progress;
            lock (_gate)
            {
                if (_pending.Count < _options.MaxPendingEvents)
                {
                    return true;
                }

                progress = _progress.Task;
            }

            if (!await WaitForProgressAsync(progress, deadline, cancellationToken))
            {
                return false;
            }
        }
    }

    /// <summary>Queues stored events for their grains.</summary>
    public void Enqueue(IReadOnlyList<IngestEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            _pending.AddRange(events);
            _enqueued += events.Count;
            _lastPosition = Math.Max(_lastPosition, events[^1].Position);
        }

        _work.Release();
    }

    void IEventLogObserver.OnStored(IReadOnlyList<IngestEvent> events) => Enqueue(events);

    /// <summary>
    /// Waits until every event queued before this call has been applied to all its grains (held user
    /// activity is flushed for it), so an ops read sees the writes acknowledged before it. Returns false if
    /// that took longer than <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> WaitForAppliedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        long target;
        lock (_gate)
        {
            target = _enqueued;
            if (_applied < target)
            {
                _flushRequested = true;
            }
        }

        _work.Release();
        while (true)
        {
            Task progress;
            lock (_gate)
            {
                if (_applied >= target)
                {
                    return true;
                }

                progress = _progress.Task;
            }

            if (!await WaitForProgressAsync(progress, deadline, cancellationToken))
            {
                return false;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_ledger.Origin is { } origin)
        {
            if (!await ReplayAsync(origin, stoppingToken))
            {
                return;
            }

            _ = CheckpointLoopAsync(stoppingToken);
        }

        var nextFlush = Stopwatch.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var wait = _held.Users == 0 ? Timeout.InfiniteTimeSpan : Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), nextFlush);
                await _work.WaitAsync(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await RunRoundsAsync(stoppingToken);

            // A flush is thousands of user calls; it runs beside the next rounds rather than stalling them.
            if (_flushing.IsCompleted && _held.Users > 0)
            {
                bool requested;
                lock (_gate)
                {
                    requested = _flushRequested;
                }

                if (requested || _held.Events >= _options.MaxHeldUserEvents || Stopwatch.GetTimestamp() >= nextFlush)
                {
                    lock (_gate)
                    {
                        _flushRequested = false;
                    }

                    _flushing = FlushUsersAsync();
                    nextFlush = Stopwatch.GetTimestamp() + (long)(_options.UserFlushInterval.TotalSeconds * Stopwatch.Frequency);
                }
            }
            else if (_flushing.IsCompleted)
            {
                lock (_gate)
                {
                    _flushRequested = false;
                }

                Progress(_roundsApplied);
            }
        }

        // Shutting down: apply what was acknowledged before the silo stops (it stops after this service).
        await RunRoundsAsync(stoppingToken);
        await _flushing;
        await FlushUsersAsync();
        if (_touched is not null)
        {
            await CheckpointAsync(CancellationToken.None);
        }
    }

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

    private async Task RunRoundsAsync(CancellationToken stoppingToken)
    {
        while (TakeRound() is { Count: > 0 } round)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // A user called this round must not overtake their activity still in an in-flight flush.
                    // Durable dispatch holds nothing back: every event reaches its grains by position.
                    await router.RouteAsync(round, _touched is null ? _held : null, _flushing, _ledger.Origin, _touched);
                    break;
                }
                catch (Exception ex)
                {
                    LogRoundFailed(logger, ex, round.Count, attempt);
                    if (_touched is null || stoppingToken.IsCancellationRequested)
                    {
                        // Embedded: events carry no positions, so a retry could count some twice; a grain that
                        // failed one call still takes the next round. Stopping: the log replays it at start-up.
                        break;
                    }

                    // Durable: the round goes again until it is through (grains skip what they applied), and
                    // later rounds wait, so each key keeps its order and the checkpoint never passes it.
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * (1 << Math.Min(attempt, 6)))), CancellationToken.None);
                }
            }

            long through;
            lock (_gate)
            {
                through = _roundsApplied += round.Count;
            }

            // Always signal: requests waiting for room care that the queue shrank, not about held user activity.
            Progress(_held.Users == 0 && _flushing.IsCompleted ? through : 0);
        }
    }

    private async Task FlushUsersAsync()
    {
        long through;
        lock (_gate)
        {
            through = _roundsApplied;
        }

        if (_held.Users > 0)
        {
            try
            {
                await router.FlushAsync(_held, _touched);
            }
            catch (Exception ex)
            {
                LogFlushFailed(logger, ex);
            }
        }

        Progress(through);
        _work.Release(); // let the loop start a flush that was asked for while this one ran
    }

    private void Progress(long appliedThrough)
    {
        TaskCompletionSource progressed;
        lock (_gate)
        {
            _applied = Math.Max(_applied, appliedThrough);
            progressed = _progress;
            _progress = NewSignal();
        }

        progressed.TrySetResult();
    }

    private List<IngestEvent> TakeRound()
    {
        lock (_gate)
        {
            if (_pending.Count <= _options.MaxRoundEvents)
            {
                var all = _pending;
                _pending = new List<IngestEvent>(Math.Max(16, all.Count));
                return all;
            }

            var round = _pending.GetRange(0, _options.MaxRoundEvents);
            _pending.RemoveRange(0, _options.MaxRoundEvents);
            return round;
        }
    }

    private static async Task<bool> WaitForProgressAsync(Task progress, long deadline, CancellationToken cancellationToken)
    {
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
        if (left <= TimeSpan.Zero)
        {
            return false;
        }

        await Task.WhenAny(progress, Task.Delay(left, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        return true;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying a round of {Count} stored events to their grains failed (attempt {Attempt})")]
    private static partial void LogRoundFailed(ILogger logger, Exception ex, int count, int attempt);

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

    [LoggerMessage(Level = LogLevel.Error, Message = "Handing held user activity to the user grains failed")]
    private static partial void LogFlushFailed(ILogger logger, Exception ex);
}
