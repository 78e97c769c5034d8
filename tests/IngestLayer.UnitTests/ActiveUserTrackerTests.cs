using IngestLayer.Grains.Counters;

namespace IngestLayer.UnitTests;

public class ActiveUserTrackerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void counts_distinct_users_per_window()
    {
        var tracker = new ActiveUserTracker();
        tracker.MarkActive("ada", Now, Now);
        tracker.MarkActive("ada", Now.AddHours(-1), Now);
        tracker.MarkActive("bob", Now.AddDays(-3), Now);
        tracker.MarkActive("cy", Now.AddDays(-20), Now);

        Assert.Equal(new(1, 2, 3), tracker.Counts(Now));
    }

    [Fact]
    public void a_late_event_marks_its_own_day_without_moving_the_latest()
    {
        var tracker = new ActiveUserTracker();
        tracker.MarkActive("ada", Now, Now);
        tracker.MarkActive("ada", Now.AddDays(-10), Now);

        Assert.Equal(1, tracker.Count(Now, 1, daysAgo: 10));
        Assert.Equal(0, tracker.Count(Now, 1, daysAgo: 9));
        Assert.Equal(1, tracker.Count(Now, 1));
    }

    [Fact]
    public void users_age_out_of_windows_as_days_pass()
    {
        var tracker = new ActiveUserTracker();
        tracker.MarkActive("ada", Now, Now);

        Assert.Equal(new(0, 1, 1), tracker.Counts(Now.AddDays(1)));
        Assert.Equal(new(0, 0, 1), tracker.Counts(Now.AddDays(7)));
        Assert.Equal(new(0, 0, 0), tracker.Counts(Now.AddDays(28)));
    }

    [Fact]
    public void a_user_back_after_a_long_gap_is_counted_once()
    {
        var tracker = new ActiveUserTracker();
        tracker.MarkActive("ada", Now.AddDays(-100), Now.AddDays(-100));
        tracker.MarkActive("ada", Now, Now);

        Assert.Equal(new(1, 1, 1), tracker.Counts(Now));
        Assert.Equal(1, tracker.TrackedUsers);
    }

    [Fact]
    public void pruning_forgets_only_users_idle_longer_than_the_span()
    {
        var tracker = new ActiveUserTracker();
        tracker.MarkActive("old", Now.AddDays(-70), Now);
        tracker.MarkActive("new", Now.AddDays(-2), Now);

        tracker.Prune(Now);

        Assert.Equal(1, tracker.TrackedUsers);
        Assert.Equal(1, tracker.Count(Now, 28));
    }
}
