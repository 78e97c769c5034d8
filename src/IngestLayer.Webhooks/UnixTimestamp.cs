using System.Globalization;

namespace IngestLayer.Webhooks;

/// <summary>Whole-second Unix timestamps as both signature schemes write them, and the tolerance check.</summary>
internal static class UnixTimestamp
{
    // DateTimeOffset.MaxValue; anything later cannot be a real send time and would throw on conversion.
    private const long Max = 253_402_300_799;

    /// <summary>Digits only: no sign, no spaces, no fraction (both schemes send a bare integer).</summary>
    public static bool TryParse(ReadOnlySpan<char> value, out long seconds) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out seconds) && seconds <= Max;

    /// <summary>
    /// Whether <paramref name="seconds"/> is at most <paramref name="tolerance"/> away from <paramref name="now"/>, in
    /// either direction: a timestamp far in the future is as suspect as an old one. <paramref name="now"/> is
    /// truncated to whole seconds, as the reference libraries do, so the edge itself is accepted.
    /// </summary>
    public static bool IsWithin(long seconds, DateTimeOffset now, TimeSpan tolerance)
    {
        var drift = Math.Abs(now.ToUnixTimeSeconds() - seconds);
        return drift <= (long)tolerance.TotalSeconds;
    }

    public static void ThrowIfInvalidTolerance(TimeSpan tolerance, string paramName)
    {
        if (tolerance < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(paramName, tolerance, "The timestamp tolerance must be at least one second.");
        }
    }
}
