namespace IngestLayer.Grains.Counters;

/// <summary>
/// The minute, hour and day (UTC, numbered from the Unix epoch) an instant falls in. Computed once per
/// event and once per batch for "now", then shared by every counter the event touches.
/// </summary>
public readonly record struct TimeBuckets(int Minute, int Hour, int Day)
{
    public static TimeBuckets Of(DateTimeOffset at)
    {
        var seconds = at.ToUnixTimeSeconds();
        return new((int)FloorDiv(seconds, 60), (int)FloorDiv(seconds, 3600), (int)FloorDiv(seconds, 86400));
    }

    /// <summary>The earlier of this and <paramref name="now"/>: an event stamped in the future counts as now.</summary>
    public TimeBuckets NotAfter(TimeBuckets now) => Minute > now.Minute ? now : this;

    private static long FloorDiv(long value, long divisor) => value >= 0 ? value / divisor : ((value + 1) / divisor) - 1;
}
