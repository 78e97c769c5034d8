using IngestLayer.Contracts;
using IngestLayer.Grains.Counters;

namespace IngestLayer.Grains;

/// <summary>
/// Applies a batch's events to an account as <see cref="AccountState.Apply(IngestEvent, TimeBuckets)"/> does, but
/// holds back their counter adds (event names and features), summed by key and minute, until <see cref="Flush"/>:
/// the counters of a thousand accounts do not fit in cache, and a batch's forty events mostly repeat a few keys in
/// a minute or two. Everything else (profile, plan, billing, first and last seen, active users, members) is applied
/// at once. Whoever reads the counters mid-batch flushes first, and then reads what event-by-event application
/// would have left; after <see cref="Flush"/> the state is exactly that.
/// </summary>
internal sealed class AccountFold
{
    [ThreadStatic] private static AccountFold? t_cached;

    private readonly PendingCounts _events = new();
    private readonly PendingCounts _features = new();
    private AccountState _state = null!;
    private TimeBuckets _now;

    // The buckets of the last event's minute, as UTC ticks [_minuteStart, _minuteStart + TicksPerMinute): most of a
    // batch shares a minute, and so skips computing them.
    private long _minuteStart = long.MaxValue;
    private TimeBuckets _at;

    /// <summary>A fold of <paramref name="state"/>'s next events at <paramref name="now"/>; <see cref="End"/> it after the batch.</summary>
    public static AccountFold Begin(AccountState state, TimeBuckets now)
    {
        var fold = t_cached ?? new AccountFold();
        t_cached = null; // a nested batch on this thread (none today) gets its own
        fold._state = state;
        fold._now = now;
        fold._minuteStart = long.MaxValue;
        return fold;
    }

    /// <summary>Whether adds are held back: reading the counters now needs a <see cref="Flush"/> first.</summary>
    public bool Pending => !_events.IsEmpty || !_features.IsEmpty;

    public void Apply(IngestEvent e)
    {
        var state = _state;
        if (!state.ApplyExceptCounts(e))
        {
            return;
        }

        var at = Buckets(e.Timestamp);
        _events.Add(state.Events, e.Name, at, 1, _now);
        if (e.Feature is not null)
        {
            _features.Add(state.Features, e.Feature, at, e.Count, _now);
        }

        state.MarkActive(e.UserKey, at, _now);
    }

    /// <summary>Makes the held-back adds; returns whether there were any.</summary>
    public bool Flush()
    {
        if (!Pending)
        {
            return false;
        }

        _events.Flush(_state.Events, _now);
        _features.Flush(_state.Features, _now);
        return true;
    }

    /// <summary>
    /// Flushes and hands the fold back for the thread's next batch. Also when the batch threw part way: the events
    /// before the throw stay applied, as they would one by one.
    /// </summary>
    public void End()
    {
        Flush();
        _state = null!;
        t_cached = this;
    }

    private TimeBuckets Buckets(DateTimeOffset timestamp)
    {
        var ticks = timestamp.UtcTicks;
        if ((ulong)(ticks - _minuteStart) >= TimeSpan.TicksPerMinute)
        {
            // Minutes are whole from the Unix epoch (itself a whole day after year 1), so a minute is a span of ticks.
            var raw = TimeBuckets.Of(timestamp);
            _minuteStart = DateTimeOffset.UnixEpoch.UtcTicks + (raw.Minute * TimeSpan.TicksPerMinute);
            _at = raw.NotAfter(_now);
        }

        return _at;
    }
}
