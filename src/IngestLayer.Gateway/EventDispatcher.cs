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
    private long _lastRoundStart;
    private List<IngestEvent> _pending = [];
    // The list of the last round, emptied, for the next round's arrivals: a queue of 40,000 events is a
    // 320 KB array, and a fresh one per round was a large-object allocation that drew full collections.
    private List<IngestEvent>? _spare;
    private static readonly List<IngestEvent> NoEvents = [];
    private long _enqueued;
    private long _roundsApplied;
    private long _applied;
    private bool _flushRequested;
    private Task _flushing = Task.CompletedTask;
    private TaskCompletionSource _progress = NewSignal();

    /// <summary>Times the dispatch loop has woken up (for tests: an idle dispatcher must sleep).</summary>
    internal long Wakeups { get; private set; }

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
                // Infinite is -1 ms: clamping it with the flush deadline's made an idle host spin (half a core).
                var wait = _held.Users == 0
                    ? Timeout.InfiniteTimeSpan
                    : TimeSpan.FromTicks(Math.Max(0, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), nextFlush).Ticks));
                await _work.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            Wakeups++;

            await PaceAsync(stoppingToken);
            await RunRoundsAsync(stoppingToken, drain: false);

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
        await RunRoundsAsync(stoppingToken, drain: true);
        await _flushing;
        await FlushUsersAsync();
        if (_touched is not null)
        {
            await CheckpointAsync(CancellationToken.None);
        }
    }

    /// <summary>Waits out the rest of the round interval unless a round is needed now.</summary>
    private async Task PaceAsync(CancellationToken stoppingToken)
    {
        var interval = _options.MinRoundInterval ?? TimeSpan.FromMilliseconds(_touched is null ? 100 : 25);
        var due = _lastRoundStart + (long)(interval.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due) is var left && left > TimeSpan.Zero && !RoundNeededNow())
        {
            try
            {
                await _work.WaitAsync(left, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        _lastRoundStart = Stopwatch.GetTimestamp();
    }

    private bool RoundNeededNow()
    {
        lock (_gate)
        {
            return _flushRequested || _pending.Count >= _options.MaxPendingEvents / 2;
        }
    }

    /// <summary>
    /// Applies a round, and more only while one is needed now (or, <paramref name="drain"/>, until the queue is
    /// empty). Taking whatever arrived during a round as the next at once left pacing to the first round only:
    /// under load rounds followed each other every 10-20 ms with a fifth of the events each, and the gateway
    /// spent 13% more CPU per event on the extra grain calls (2026-11-30).
    /// </summary>
    private async Task RunRoundsAsync(CancellationToken stoppingToken, bool drain)
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
            var count = round.Count;
            round.Clear();
            lock (_gate)
            {
                through = _roundsApplied += count;
                _spare ??= round;
            }

            // Always signal: requests waiting for room care that the queue shrank, not about held user activity.
            Progress(_held.Users == 0 && _flushing.IsCompleted ? through : 0);
            if (!drain && !RoundNeededNow())
            {
                break;
            }
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
                await router.FlushAsync(_held);
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
            if (_pending.Count == 0)
            {
                return NoEvents;
            }

            if (_pending.Count <= _options.MaxRoundEvents)
            {
                var all = _pending;
                _pending = _spare ?? new List<IngestEvent>(Math.Max(16, all.Count));
                _spare = null;
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Handing held user activity to the user grains failed")]
    private static partial void LogFlushFailed(ILogger logger, Exception ex);
}
