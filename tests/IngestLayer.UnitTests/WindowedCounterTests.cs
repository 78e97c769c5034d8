using IngestLayer.Contracts;
using IngestLayer.Grains.Counters;

namespace IngestLayer.UnitTests;

public class WindowedCounterTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void counts_an_event_in_every_window_that_contains_it()
    {
        var counter = new WindowedCounter();
        counter.Add(Noon, 1, Noon);

        var counts = counter.Counts(Noon);

        Assert.Equal((1, 1, 1, 1), (counts.LastHour, counts.Last24Hours, counts.Last7Days, counts.Last28Days));
    }

    [Fact]
    public void an_event_leaves_the_hour_window_after_sixty_minute_buckets()
    {
        var counter = new WindowedCounter();
        counter.Add(Noon, 3, Noon);

        Assert.Equal(3, counter.Counts(Noon.AddMinutes(59)).LastHour);
        Assert.Equal(0, counter.Counts(Noon.AddMinutes(60)).LastHour);
        Assert.Equal(3, counter.Counts(Noon.AddMinutes(60)).Last24Hours);
    }

    [Fact]
    public void window_edges_are_bucket_aligned_and_inclusive_of_the_current_bucket()
    {
        var counter = new WindowedCounter();
        counter.Add(Noon.AddSeconds(-1), 1, Noon);        // 11:59:59, previous minute and hour
        counter.Add(Noon, 1, Noon);                       // 12:00:00

        var now = Noon.AddHours(23).AddMinutes(59);       // 11:59 next day: the 11:00 hour bucket is 24 buckets back
        Assert.Equal(1, counter.Counts(now).Last24Hours);
        Assert.Equal(2, counter.Counts(Noon.AddHours(22)).Last24Hours);
    }

    [Fact]
    public void day_windows_roll_over_at_utc_midnight()
    {
        var counter = new WindowedCounter();
        var monday = new DateTimeOffset(2026, 11, 23, 23, 30, 0, TimeSpan.Zero);
        counter.Add(monday, 5, monday);

        Assert.Equal(5, counter.Counts(monday.AddDays(6)).Last7Days);
        Assert.Equal(0, counter.Counts(monday.AddDays(7)).Last7Days);
        Assert.Equal(5, counter.Counts(monday.AddDays(27)).Last28Days);
        Assert.Equal(0, counter.Counts(monday.AddDays(28)).Last28Days);
    }

    [Fact]
    public void ring_slots_are_reused_without_leaking_old_counts()
    {
        var counter = new WindowedCounter();
        var now = Noon;
        for (var minute = 0; minute < 180; minute++)
        {
            now = Noon.AddMinutes(minute);
            counter.Add(now, 1, now);
        }

        var counts = counter.Counts(now);
        Assert.Equal(60, counts.LastHour);
        Assert.Equal(180, counts.Last24Hours);
        Assert.Equal(180, counter.Total);
    }

    [Fact]
    public void a_late_event_lands_in_its_own_bucket()
    {
        var counter = new WindowedCounter();
        var now = Noon;
        counter.Add(now.AddHours(-30), 2, now);          // 30h late: not in 1h or 24h, in 7d and 28d
        counter.Add(now.AddMinutes(-10), 1, now);

        var counts = counter.Counts(now);
        Assert.Equal((1, 1, 3, 3), (counts.LastHour, counts.Last24Hours, counts.Last7Days, counts.Last28Days));
    }

    [Fact]
    public void an_event_older_than_every_tier_only_counts_in_the_total()
    {
        var counter = new WindowedCounter();
        counter.Add(Noon.AddDays(-90), 4, Noon);

        Assert.Equal(new(0, 0, 0, 0), counter.Counts(Noon));
        Assert.Equal(4, counter.Total);
    }

    [Fact]
    public void a_future_event_is_counted_as_now_so_it_cannot_overwrite_current_buckets()
    {
        var counter = new WindowedCounter();
        counter.Add(Noon, 1, Noon);
        counter.Add(Noon.AddDays(3), 1, Noon);

        Assert.Equal(2, counter.Counts(Noon).LastHour);
    }

    [Fact]
    public void a_late_event_does_not_reset_a_slot_holding_a_newer_bucket()
    {
        var counter = new WindowedCounter();
        var now = Noon.AddMinutes(30);
        counter.Add(now, 5, now);
        counter.Add(now.AddMinutes(-60), 1, now);        // same slot, 60 minutes older: outside the hour tier

        Assert.Equal(5, counter.Counts(now).LastHour);
        Assert.Equal(6, counter.Counts(now).Last24Hours);
    }

    [Fact]
    public void day_ranges_in_the_past_support_week_over_week_comparisons()
    {
        var counter = new WindowedCounter();
        for (var day = 0; day < 14; day++)
        {
            counter.Add(Noon.AddDays(-day), day < 7 ? 1 : 3, Noon);
        }

        Assert.Equal(7, counter.Days(Noon, 7));
        Assert.Equal(21, counter.Days(Noon, 7, daysAgo: 7));
    }

    [Fact]
    public void agrees_with_a_naive_count_of_every_event_under_random_late_and_early_times()
    {
        var random = new Random(20261123);
        var counter = new WindowedCounter();
        var events = new List<(long At, int Count)>();
        var now = Noon;
        for (var step = 0; step < 4000; step++)
        {
            now = now.AddSeconds(random.Next(0, 900));
            var at = now.AddSeconds(-(random.Next(4) == 0 ? random.Next(0, 60 * 86400) : random.Next(0, 7200)) + random.Next(0, 120));
            var count = random.Next(1, 5);
            counter.Add(at, count, now);
            events.Add(((at > now ? now : at).ToUnixTimeSeconds(), count));

            if (step % 97 == 0)
            {
                var s = now.ToUnixTimeSeconds();
                long Expected(Func<long, int> bucket, int width) =>
                    events.Where(e => bucket(e.At) > bucket(s) - width && bucket(e.At) <= bucket(s)).Sum(e => (long)e.Count);
                var expected = new WindowCounts(
                    Expected(x => (int)Math.Floor(x / 60.0), 60),
                    Expected(x => (int)Math.Floor(x / 3600.0), 24),
                    Expected(x => (int)Math.Floor(x / 86400.0), 7),
                    Expected(x => (int)Math.Floor(x / 86400.0), 28));
                Assert.Equal(expected, counter.Counts(now));
            }
        }

        Assert.Equal(events.Sum(e => (long)e.Count), counter.Total);
    }
}
