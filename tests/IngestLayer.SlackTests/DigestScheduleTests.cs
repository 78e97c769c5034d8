using IngestLayer.Slack;
using IngestLayer.Storage;

namespace IngestLayer.SlackTests;

/// <summary>When a daily digest is due, in owners' time zones, including the days the clocks change.</summary>
public sealed class DigestScheduleTests
{
    private static readonly TimeZoneInfo Berlin = Zone("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = Zone("America/New_York");

    [Theory]
    [InlineData("Europe/Berlin")]
    [InlineData("America/New_York")]
    [InlineData("Asia/Kolkata")]
    [InlineData("Etc/GMT+5")]
    [InlineData("UTC")]
    public void iana_ids_resolve_on_this_host(string id) => Assert.Equal(id, OwnerPreferences.FindTimeZone(id)?.Id);

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("W. Europe Standard Time-ish")]
    [InlineData("")]
    public void unknown_ids_do_not_resolve(string id) => Assert.Null(OwnerPreferences.FindTimeZone(id));

    [Fact]
    public void nine_in_berlin_is_eight_utc_in_winter_and_seven_in_summer()
    {
        Assert.Equal(Utc(2026, 1, 15, 8, 0), DigestSchedule.DueAt(new DateOnly(2026, 1, 15), new TimeOnly(9, 0), Berlin));
        Assert.Equal(Utc(2026, 7, 15, 7, 0), DigestSchedule.DueAt(new DateOnly(2026, 7, 15), new TimeOnly(9, 0), Berlin));
    }

    [Fact]
    public void on_the_day_berlin_springs_forward_nine_oclock_is_already_summer_time()
    {
        // 29 March 2026: 02:00 CET becomes 03:00 CEST.
        Assert.Equal(Utc(2026, 3, 28, 8, 0), DigestSchedule.DueAt(new DateOnly(2026, 3, 28), new TimeOnly(9, 0), Berlin));
        Assert.Equal(Utc(2026, 3, 29, 7, 0), DigestSchedule.DueAt(new DateOnly(2026, 3, 29), new TimeOnly(9, 0), Berlin));
    }

    [Fact]
    public void a_digest_time_the_clocks_skip_is_read_as_the_same_time_after_the_jump()
    {
        // 8 March 2026 in New York: 02:00 EST becomes 03:00 EDT, so 02:30 does not exist; 02:30 EST is 03:30 EDT.
        Assert.Equal(Utc(2026, 3, 8, 7, 30), DigestSchedule.DueAt(new DateOnly(2026, 3, 8), new TimeOnly(2, 30), NewYork));
    }

    [Fact]
    public void a_digest_time_that_happens_twice_means_the_first_one()
    {
        // 1 November 2026 in New York: 01:30 happens in EDT (05:30 UTC) and again in EST (06:30 UTC).
        Assert.Equal(Utc(2026, 11, 1, 5, 30), DigestSchedule.DueAt(new DateOnly(2026, 11, 1), new TimeOnly(1, 30), NewYork));
    }

    [Fact]
    public void the_latest_due_digest_is_todays_once_its_time_has_come_else_yesterdays()
    {
        var nine = new TimeOnly(9, 0);

        Assert.Equal((new DateOnly(2026, 3, 28), Utc(2026, 3, 28, 8, 0)), DigestSchedule.LatestDue(Utc(2026, 3, 29, 6, 59), nine, Berlin));
        Assert.Equal((new DateOnly(2026, 3, 29), Utc(2026, 3, 29, 7, 0)), DigestSchedule.LatestDue(Utc(2026, 3, 29, 7, 0), nine, Berlin));
    }

    [Fact]
    public void the_local_day_is_the_owners_not_utcs()
    {
        // 23:30 UTC on 14 January is already 15 January in Tokyo, past a 07:00 digest (22:00 UTC).
        var tokyo = Zone("Asia/Tokyo");

        Assert.Equal((new DateOnly(2026, 1, 15), Utc(2026, 1, 14, 22, 0)), DigestSchedule.LatestDue(Utc(2026, 1, 14, 23, 30), new TimeOnly(7, 0), tokyo));
    }

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    private static TimeZoneInfo Zone(string id) => OwnerPreferences.FindTimeZone(id) ?? throw new InvalidOperationException($"No time zone {id} on this host.");
}
