using IngestLayer.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway;

/// <summary>
/// Hands stored events to their grains in rounds, decoupled from the requests that brought them: a request
/// is answered once its events are in the log, and each round takes everything stored since the last one.
/// Under load rounds grow by themselves, so one grain call carries many requests' events for a key
/// (a hundred-event request touches ~200 grains; a round of 50,000 events touches ~11,000, not 100,000).
/// Rounds run one at a time, so each key sees its events in the order they were stored.
/// </summary>
public sealed partial class EventDispatcher(
    EventRouter router,
    IOptions<DispatchOptions> options,
    ILogger<EventDispatcher> logger) : BackgroundService
{
    private readonly DispatchOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _work = new(0);
    private List<IngestEvent> _pending = [];
    private long _enqueued;
    private long _applied;
    private TaskCompletionSource _progress = NewSignal();

    /// <summary>Events stored but not yet handed to their grains.</summary>
    public int Pending
    {
        get { lock (_gate) { return _pending.Count; } }
    }

    /// <summary>Events handed to grains whose calls failed (they stay in the log).</summary>
    public long Failed { get; private set; }

    /// <summary>
    /// Waits until there is room for more events (backpressure). False when none was made within
    /// <see cref="DispatchOptions.MaxQueueWait"/>: the caller should answer 503 and store nothing.
    /// </summary>
    public async ValueTask<bool> WaitForRoomAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _options.MaxQueueWait;
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

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            await Task.WhenAny(progress, Task.Delay(left, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Queues stored events for their grains; returns the sequence number a read can wait for.</summary>
    public long Enqueue(IReadOnlyList<IngestEvent> events)
    {
        if (events.Count == 0)
        {
            return Interlocked.Read(ref _enqueued);
        }

        long sequence;
        lock (_gate)
        {
            _pending.AddRange(events);
            sequence = _enqueued += events.Count;
        }

        _work.Release();
        return sequence;
    }

    /// <summary>
    /// Waits until every event queued before this call has been applied, so an ops read sees the writes
    /// acknowledged before it. Returns false if that took longer than <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> WaitForAppliedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var target = Interlocked.Read(ref _enqueued);
        var deadline = DateTime.UtcNow + timeout;
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

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            await Task.WhenAny(progress, Task.Delay(left, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await _work.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await RunRoundsAsync();
        }

        // Shutting down: apply what was acknowledged before the silo stops (it stops after this service).
        await RunRoundsAsync();
    }

    private async Task RunRoundsAsync()
    {
        while (TakeRound() is { Count: > 0 } round)
        {
            try
            {
                await router.RouteAsync(round);
            }
            catch (Exception ex)
            {
                // The events stay in the log; a grain that failed one call still takes the next round.
                Failed += round.Count;
                LogRoundFailed(logger, ex, round.Count);
            }

            TaskCompletionSource progressed;
            lock (_gate)
            {
                _applied += round.Count;
                progressed = _progress;
                _progress = NewSignal();
            }

            progressed.TrySetResult();
        }
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

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying a round of {Count} stored events to their grains failed")]
    private static partial void LogRoundFailed(ILogger logger, Exception ex, int count);
}
