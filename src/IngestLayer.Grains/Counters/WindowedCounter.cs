using IngestLayer.Contracts;

namespace IngestLayer.Grains.Counters;

/// <summary>
/// Exact counts of one key over the standard windows, bucketed by event time in three tiers: minutes
/// (last 60), hours (last 48) and days (last 56). Each tier is a lazily allocated <c>int[]</c> of
/// (bucket number, count) pairs holding only non-empty buckets, sorted by bucket: a user active in a few
/// minutes of the day costs a few dozen bytes, a busy account key at most the tier's full span. Buckets
/// that fall out of a tier's span are dropped on the next add, so roll-over needs no sweeping, and a late
/// event lands in its own bucket or, when older than a tier spans, is left out of that tier only.
/// </summary>
[GenerateSerializer, Alias("IngestLayer.WindowedCounter")]
public sealed class WindowedCounter
{
    internal const int MinuteSlots = 60;
    internal const int HourSlots = 48;
    internal const int DaySlots = 56;

    [Id(0)] private int[]? _minutes;
    [Id(1)] private int[]? _hours;
    [Id(2)] private int[]? _days;
    [Id(3)] private long _total;
    [Id(4)] private byte _minuteCount;
    [Id(5)] private byte _hourCount;
    [Id(6)] private byte _dayCount;

    /// <summary>Every count ever added, whatever its age.</summary>
    public long Total => _total;

    /// <summary>
    /// Adds <paramref name="count"/> at event time <paramref name="at"/>. An event time after
    /// <paramref name="now"/> is counted as now, so a clock-skewed client cannot count into the future.
    /// </summary>
    public void Add(DateTimeOffset at, int count, DateTimeOffset now) => Add(TimeBuckets.Of(at), count, TimeBuckets.Of(now));

    /// <inheritdoc cref="Add(DateTimeOffset, int, DateTimeOffset)"/>
    public void Add(TimeBuckets at, int count, TimeBuckets now) => Add(at, (long)count, now);

    /// <summary>As <see cref="Add(TimeBuckets, int, TimeBuckets)"/>, for a sum of adds (which can pass <see cref="int.MaxValue"/>).</summary>
    internal void Add(TimeBuckets at, long count, TimeBuckets now)
    {
        if (count <= 0)
        {
            return;
        }

        at = at.NotAfter(now);
        _total += count;
        AddToTier(ref _minutes, ref _minuteCount, MinuteSlots, at.Minute, now.Minute, count);
        AddToTier(ref _hours, ref _hourCount, HourSlots, at.Hour, now.Hour, count);
        AddToTier(ref _days, ref _dayCount, DaySlots, at.Day, now.Day, count);
    }

    /// <summary>Counts for the last 60 minutes, 24 hours, 7 days and 28 days, each including the current bucket.</summary>
    public WindowCounts Counts(DateTimeOffset now)
    {
        var b = TimeBuckets.Of(now);
        return new WindowCounts(
            Sum(_minutes, _minuteCount, b.Minute, 60),
            Sum(_hours, _hourCount, b.Hour, 24),
            Sum(_days, _dayCount, b.Day, 7),
            Sum(_days, _dayCount, b.Day, 28));
    }

    /// <summary>Count over the last <paramref name="hours"/> hour buckets ending with the current one (at most 48).</summary>
    public long LastHours(DateTimeOffset now, int hours) =>
        Sum(_hours, _hourCount, TimeBuckets.Of(now).Hour, Math.Min(hours, HourSlots));

    /// <summary>Count over <paramref name="days"/> day buckets ending <paramref name="daysAgo"/> days before today (at most 56 back).</summary>
    public long Days(DateTimeOffset now, int days, int daysAgo = 0)
    {
        var today = TimeBuckets.Of(now).Day;
        return Sum(_days, _dayCount, today - daysAgo, Math.Min(days, DaySlots - daysAgo), today - DaySlots);
    }

    private static void AddToTier(ref int[]? pairs, ref byte used, int slots, int bucket, int nowBucket, long count)
    {
        var floor = nowBucket - slots;
        if (bucket <= floor)
        {
            return; // older than this tier reaches
        }

        // Drop buckets that have left the span (they are at the front: pairs are sorted by bucket).
        var n = (int)used;
        var expired = 0;
        while (expired < n && pairs![expired * 2] <= floor)
        {
            expired++;
        }

        if (expired > 0)
        {
            Array.Copy(pairs!, expired * 2, pairs!, 0, (n - expired) * 2);
            n -= expired;
        }

        // Most events belong to the newest bucket, so search from the end.
        var i = n - 1;
        while (i >= 0 && pairs![i * 2] > bucket)
        {
            i--;
        }

        if (i >= 0 && pairs![i * 2] == bucket)
        {
            pairs[i * 2 + 1] = (int)Math.Min((long)pairs[i * 2 + 1] + count, int.MaxValue);
            used = (byte)n;
            return;
        }

        // Insert a new bucket after i. Every kept bucket lies in (floor, nowBucket], so n < slots here.
        if (pairs is null || pairs.Length < (n + 1) * 2)
        {
            Array.Resize(ref pairs, Math.Min(slots, Math.Max(4, n * 2)) * 2);
        }

        var at = (i + 1) * 2;
        Array.Copy(pairs, at, pairs, at + 2, (n - i - 1) * 2);
        pairs[at] = bucket;
        pairs[at + 1] = (int)Math.Min(count, int.MaxValue);
        used = (byte)(n + 1);
    }

    // Sums the buckets in (last - width, last], ignoring any at or before floor.
    private static long Sum(int[]? pairs, byte used, int last, int width, int floor = int.MinValue)
    {
        if (pairs is null || width <= 0)
        {
            return 0;
        }

        var first = Math.Max(last - width, floor);
        long sum = 0;
        for (var i = 0; i < used; i++)
        {
            var bucket = pairs[i * 2];
            if (bucket > first && bucket <= last)
            {
                sum += pairs[i * 2 + 1];
            }
        }

        return sum;
    }
}
