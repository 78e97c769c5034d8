using System.Runtime.InteropServices;
using IngestLayer.Contracts;

namespace IngestLayer.Grains.Counters;

/// <summary>
/// Distinct active users per day for the last 64 days: per user, the latest active day and a 64-bit map
/// of the days before it (bit i = active i days before). Exact for any window inside that span, 12 bytes
/// of payload per user, and late events set their own day's bit.
/// </summary>
[GenerateSerializer, Alias("IngestLayer.ActiveUserTracker")]
public sealed class ActiveUserTracker
{
    private const int Span = 64;

    [Id(0)] private readonly Dictionary<string, ActiveDays> _users = new(StringComparer.Ordinal);

    public int TrackedUsers => _users.Count;

    public bool MarkActive(string userKey, DateTimeOffset at, DateTimeOffset now) => MarkActive(userKey, TimeBuckets.Of(at), TimeBuckets.Of(now));

    /// <summary>Marks the user active on the event's day; returns whether the user was not tracked before.</summary>
    public bool MarkActive(string userKey, TimeBuckets at, TimeBuckets now)
    {
        var day = at.NotAfter(now).Day;
        ref var days = ref CollectionsMarshal.GetValueRefOrAddDefault(_users, userKey, out var exists);
        if (!exists)
        {
            days = new ActiveDays(day, 1UL);
            return true;
        }

        if (day > days.LastDay)
        {
            var shift = day - days.LastDay;
            var bits = shift >= Span ? 0UL : days.Bits << shift;
            days = new ActiveDays(day, bits | 1UL);
        }
        else if (days.LastDay - day < Span)
        {
            days = days with { Bits = days.Bits | (1UL << (days.LastDay - day)) };
        }

        return false;
    }

    /// <summary>Users active on any of the <paramref name="days"/> days ending <paramref name="daysAgo"/> days before today.</summary>
    public int Count(DateTimeOffset now, int days, int daysAgo = 0)
    {
        var last = TimeBuckets.Of(now).Day - daysAgo;
        var count = 0;
        foreach (var d in _users.Values)
        {
            // Window days as bit offsets from the user's LastDay: [LastDay - last, LastDay - last + days).
            var lo = d.LastDay - last;
            var hi = lo + days - 1;
            lo = Math.Max(lo, 0);
            hi = Math.Min(hi, Span - 1);
            if (lo > hi)
            {
                continue;
            }

            var width = hi - lo + 1;
            var mask = (width >= Span ? ulong.MaxValue : (1UL << width) - 1) << lo;
            if ((d.Bits & mask) != 0)
            {
                count++;
            }
        }

        return count;
    }

    public ActiveUserCounts Counts(DateTimeOffset now) => new(Count(now, 1), Count(now, 7), Count(now, 28));

    /// <summary>Active users in the last 7 days and in the 7 days before them (seat growth, engagement, health).</summary>
    public (long Current, long Previous) WeekOverWeek(DateTimeOffset now) => (Count(now, 7), Count(now, 7, daysAgo: 7));

    /// <summary>Forgets users not active in the tracked span, keeping memory proportional to recent users.</summary>
    public void Prune(DateTimeOffset now)
    {
        var today = TimeBuckets.Of(now).Day;
        foreach (var (user, days) in _users)
        {
            if (today - days.LastDay >= Span)
            {
                _users.Remove(user);
            }
        }
    }
}

/// <summary>A user's latest active day and the bitmap of the days before it.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.ActiveDays")]
public readonly record struct ActiveDays([property: Id(0)] int LastDay, [property: Id(1)] ulong Bits);
