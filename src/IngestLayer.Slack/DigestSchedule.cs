namespace IngestLayer.Slack;

/// <summary>
/// When an owner's daily digest is due: their digest time on a local day of their time zone, as an instant.
/// Pure, so daylight-saving days are tested without a clock.
/// </summary>
public static class DigestSchedule
{
    /// <summary>
    /// The instant of <paramref name="time"/> on <paramref name="day"/> in <paramref name="zone"/>. A time the
    /// clocks skip (spring forward) is read with the offset before the jump, so 02:30 becomes 03:30; a time that
    /// happens twice (fall back) means its first occurrence.
    /// </summary>
    public static DateTimeOffset DueAt(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (zone.IsInvalidTime(local))
        {
            // A day before is safely before the transition (zones change offset at most once a day).
            offset = zone.GetUtcOffset(local.AddDays(-1));
        }
        else if (zone.IsAmbiguousTime(local))
        {
            // The larger offset is the earlier instant.
            offset = zone.GetAmbiguousTimeOffsets(local).Max();
        }
        else
        {
            offset = zone.GetUtcOffset(local);
        }

        return new DateTimeOffset(local - offset, TimeSpan.Zero);
    }

    /// <summary>The latest local day whose digest is due at or before <paramref name="now"/>, and when it was due.</summary>
    public static (DateOnly Day, DateTimeOffset DueAt) LatestDue(DateTimeOffset now, TimeOnly time, TimeZoneInfo zone)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var due = DueAt(today, time, zone);
        if (due <= now)
        {
            return (today, due);
        }

        var yesterday = today.AddDays(-1);
        return (yesterday, DueAt(yesterday, time, zone));
    }
}
