using IngestLayer.Contracts;
using IngestLayer.Grains.Counters;

namespace IngestLayer.Grains.Rules;

/// <summary>
/// Folds one account's stored events into a fresh <see cref="AccountState"/> through the workspace's rules, the way
/// <see cref="Backtester"/> replays: one event per batch, on a clock that reads each event's own time, with the
/// schedule's ticks in between for time-based rules and up to now at the end. Every alert the replay fires is
/// counted and dropped, so the latches and cooldowns end where the past leaves them and nothing is sent for it.
/// Each event is applied under the host that appended it, which leaves the state's applied watermark at the newest
/// replayed position per host: the dispatcher's later delivery of a replayed event is then skipped.
/// </summary>
public sealed class AccountReplay(CompiledRules rules, string workspace, string accountId, TimeSpan tick, DateTimeOffset now)
{
    private readonly Dictionary<string, int> _suppressed = new(StringComparer.Ordinal);
    private DateTimeOffset _clock = DateTimeOffset.MinValue;
    private DateTimeOffset? _nextTick;
    private int _prunedDay = int.MinValue;

    /// <summary>The state being rebuilt.</summary>
    public AccountState State { get; } = new();

    public long EventsReplayed { get; private set; }

    /// <summary>Alerts the replay fired and dropped.</summary>
    public int AlertsSuppressed { get; private set; }

    /// <summary>Dropped alerts per rule id.</summary>
    public IReadOnlyDictionary<string, int> SuppressedPerRule => _suppressed;

    /// <summary>Applies one stored event (in log order), appended by host <paramref name="origin"/>.</summary>
    public void Apply(IngestEvent e, string? origin)
    {
        // Never backwards (a late event is applied when the newest seen so far was, as a live grain applies it
        // after its predecessors), and never past now (the gateway caps skew, but a row could say otherwise).
        var at = e.Timestamp > _clock ? e.Timestamp : _clock;
        at = at < now ? at : now;
        _nextTick ??= Backtester.NextTick(at, tick);
        TickUntil(at);
        _clock = at;
        PruneDaily(at);
        EventsReplayed++;
        Drop(RuleRunner.ApplyBatch(State, rules, workspace, accountId, new EventBatch([e], origin), at));
    }

    /// <summary>Runs the schedule's remaining ticks up to now and returns the rebuilt state.</summary>
    public AccountState Finish()
    {
        TickUntil(now);
        State.ActiveUsers.Prune(now);
        return State;
    }

    /// <summary>The enabled rules whose condition holds at the end: latched, they fire only after re-arming.</summary>
    public IReadOnlyList<string> RulesHolding() =>
        [.. rules.All.Where(r => State.Latches.TryGetValue(r.Id, out var latch) && latch.Raised).Select(r => r.Id)];

    private void TickUntil(DateTimeOffset until)
    {
        if (rules.TimeBased.Length == 0 || _nextTick is null)
        {
            return;
        }

        while (_nextTick < until)
        {
            Drop(RuleRunner.EvaluateScheduled(State, rules, workspace, accountId, _nextTick.Value));
            _nextTick += tick;
        }
    }

    // As the account grain does once a day: forget users idle past the tracked span.
    private void PruneDaily(DateTimeOffset at)
    {
        var day = TimeBuckets.Of(at).Day;
        if (day != _prunedDay)
        {
            State.ActiveUsers.Prune(at);
            _prunedDay = day;
        }
    }

    private void Drop(List<Alert>? fired)
    {
        if (fired is null)
        {
            return;
        }

        foreach (var alert in fired)
        {
            AlertsSuppressed++;
            var rule = alert.Rule ?? alert.Signal;
            _suppressed[rule] = _suppressed.GetValueOrDefault(rule) + 1;
        }
    }
}
