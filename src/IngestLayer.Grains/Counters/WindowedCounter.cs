using IngestLayer.Contracts;

namespace IngestLayer.Grains.Counters;

/// <summary>
/// Exact counts of one key over the standard windows, bucketed by event time: 60 one-minute, 48 one-hour
/// and 56 one-day buckets. Each tier is one lazily allocated <c>int[]</c> of (bucket number, count) pairs;
/// a slot remembers which absolute bucket it holds, so roll-over needs no sweeping and a late event lands in
/// its own bucket or, when older than the tier spans, is left out of that tier only.
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

    /// <summary>Every count ever added, whatever its age.</summary>
    public long Total => _total;

    /// <summary>
    /// Adds <paramref name="count"/> at event time <paramref name="at"/>. An event time after
    /// <paramref name="now"/> is counted as now, so a clock-skewed client cannot overwrite current buckets.
    /// </summary>
    public void Add(DateTimeOffset at, int count, DateTimeOffset now)
    {
        if (count <= 0)
        {
            return;
        }

        if (at > now)
        {
            at = now;
        }

        var seconds = at.ToUnixTimeSeconds();
        var nowSeconds = now.ToUnixTimeSeconds();
        _total += count;
        AddToTier(ref _minutes, MinuteSlots, Minute(seconds), Minute(nowSeconds), count);
        AddToTier(ref _hours, HourSlots, Hour(seconds), Hour(nowSeconds), count);
        AddToTier(ref _days, DaySlots, Day(seconds), Day(nowSeconds), count);
    }

    /// <summary>Counts for the last 60 minutes, 24 hours, 7 days and 28 days, each including the current bucket.</summary>
    public WindowCounts Counts(DateTimeOffset now)
    {
        var s = now.ToUnixTimeSeconds();
        return new WindowCounts(
            Sum(_minutes, MinuteSlots, Minute(s), 60),
            Sum(_hours, HourSlots, Hour(s), 24),
            Sum(_days, DaySlots, Day(s), 7),
            Sum(_days, DaySlots, Day(s), 28));
    }

    /// <summary>Count over the last <paramref name="hours"/> hour buckets ending with the current one (at most 48).</summary>
    public long LastHours(DateTimeOffset now, int hours) => Sum(_hours, HourSlots, Hour(now.ToUnixTimeSeconds()), Math.Min(hours, HourSlots));

    /// <summary>Count over <paramref name="days"/> day buckets ending <paramref name="daysAgo"/> days before today (at most 56 back).</summary>
    public long Days(DateTimeOffset now, int days, int daysAgo = 0) =>
        Sum(_days, DaySlots, Day(now.ToUnixTimeSeconds()) - daysAgo, Math.Min(days, DaySlots - daysAgo), Day(now.ToUnixTimeSeconds()) - DaySlots);

    /// <summary>Whether any bucket has been allocated; an empty counter costs one small object.</summary>
    public bool IsEmpty => _total == 0;

    internal static int Minute(long unixSeconds) => (int)Math.Floor(unixSeconds / 60.0);

    internal static int Hour(long unixSeconds) => (int)Math.Floor(unixSeconds / 3600.0);

    internal static int Day(long unixSeconds) => (int)Math.Floor(unixSeconds / 86400.0);

    private static void AddToTier(ref int[]? ring, int slots, int bucket, int nowBucket, int count)
    {
        if (bucket <= nowBucket - slots)
        {
            return; // older than this tier reaches
        }

        ring ??= new int[slots * 2];
        var i = (int)((uint)bucket % (uint)slots) * 2;
        if (ring[i] != bucket)
        {
            if (ring[i] > bucket && ring[i + 1] != 0)
            {
                return; // the slot holds a newer bucket (only if the clock went backwards)
            }

            ring[i] = bucket;
            ring[i + 1] = 0;
        }

        ring[i + 1] = (int)Math.Min((long)ring[i + 1] + count, int.MaxValue);
    }

    // Sums the buckets (last - width, last], ignoring any bucket at or before floor.
    private static long Sum(int[]? ring, int slots, int last, int width, int floor = int.MinValue)
    {
        if (ring is null || width <= 0)
        {
            return 0;
        }

        var first = Math.Max(last - width, floor);
        long sum = 0;
        for (var i = 0; i < ring.Length; i += 2)
        {
            var bucket = ring[i];
            if (bucket > first && bucket <= last)
            {
                sum += ring[i + 1];
            }
        }

        return sum;
    }
}
