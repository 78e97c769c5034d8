using IngestLayer.Grains.Signals;

namespace IngestLayer.UnitTests;

public class SignalLatchTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cooldown = TimeSpan.FromHours(24);

    [Fact]
    public void fires_on_the_crossing_and_not_while_the_condition_stays_true()
    {
        var latch = new SignalLatch();

        Assert.False(latch.Evaluate(false, T0, Cooldown));
        Assert.True(latch.Evaluate(true, T0.AddMinutes(1), Cooldown));
        Assert.False(latch.Evaluate(true, T0.AddMinutes(2), Cooldown));
        Assert.False(latch.Evaluate(true, T0.AddDays(3), Cooldown));
    }

    [Fact]
    public void re_arms_after_the_condition_clears_and_fires_again_once_the_cooldown_has_passed()
    {
        var latch = new SignalLatch();
        Assert.True(latch.Evaluate(true, T0, Cooldown));
        Assert.False(latch.Evaluate(false, T0.AddHours(1), Cooldown));

        Assert.True(latch.Evaluate(true, T0.AddHours(25), Cooldown));
        Assert.Equal(T0.AddHours(25), latch.LastFiredAt);
    }

    [Fact]
    public void a_crossing_inside_the_cooldown_is_suppressed_and_counted()
    {
        var latch = new SignalLatch();
        Assert.True(latch.Evaluate(true, T0, Cooldown));
        Assert.False(latch.Evaluate(false, T0.AddHours(1), Cooldown));

        Assert.False(latch.Evaluate(true, T0.AddHours(2), Cooldown));
        Assert.Equal(1, latch.Suppressed);
        Assert.Equal(T0, latch.LastFiredAt);

        // Still raised after the suppressed crossing: the cooldown ending alone does not fire it.
        Assert.False(latch.Evaluate(true, T0.AddHours(30), Cooldown));
    }
}
