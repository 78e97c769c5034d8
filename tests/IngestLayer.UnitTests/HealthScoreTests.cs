using IngestLayer.Contracts;
using IngestLayer.Grains.Health;
using IngestLayer.Grains.Signals;
using IngestLayer.UnitTests.Rules;
using static IngestLayer.UnitTests.Rules.RuleHarness;

namespace IngestLayer.UnitTests;

public class HealthScoreTests
{
    private readonly RuleHarness _h = new();

    private HealthComponent Component(HealthSnapshot health, string name) => Assert.Single(health.Components, c => c.Name == name);

    [Fact]
    public void an_account_never_active_scores_only_its_billing()
    {
        var health = HealthScore.Compute(_h.State, T0);

        Assert.Equal(25, health.Score);
        Assert.Equal(["breadth", "active_users_trend", "event_trend", "billing"], health.Components.Select(c => c.Name));
        Assert.All(health.Components, c => Assert.Equal(25, c.Max));
        Assert.Equal(new HealthComponent("breadth", 0, 25, "0 features used in the last 28 days"), Component(health, "breadth"));
    }

    [Fact]
    public void a_broad_steady_paying_account_scores_100()
    {
        string[] features = ["a", "b", "c", "d", "e", "f"];
        _h.Batch(T0,
        [
            .. features.Select(f => _h.Track("feature.used", T0, f)),
            .. _h.Users(3, T0.AddDays(-9)),
            .. _h.Users(3, T0),
        ]);

        var health = HealthScore.Compute(_h.State, T0);

        Assert.Equal(100, health.Score);
        Assert.Equal("6 features used in the last 28 days", Component(health, "breadth").Detail);
        Assert.Equal("4 active users in the last 7 days, 3 the 7 before", Component(health, "active_users_trend").Detail);
    }

    [Fact]
    public void falling_activity_and_a_failed_payment_take_points_off_in_proportion()
    {
        _h.Batch(T0,
        [
            _h.Track("feature.used", T0.AddDays(-9), "a"),
            .. _h.Users(4, T0.AddDays(-9)),
            .. _h.Users(1, T0),
            _h.Track(BillingEvents.InvoicePaymentFailed, T0.AddDays(-9), user: "u1"),
        ]);

        var health = HealthScore.Compute(_h.State, T0);

        // breadth 5 (one feature); users 1 vs 5 (ada used the feature): 25 x 1/5 = 5; events 1 vs 6: 25 x 1/6 = 4; payment failed 5.
        Assert.Equal([5, 5, 4, 5], health.Components.Select(c => c.Points));
        Assert.Equal(19, health.Score);
        Assert.Equal("billing payment_failed", Component(health, "billing").Detail);
    }

    [Fact]
    public void a_first_week_of_activity_is_a_full_trend_and_a_limit_hit_costs_little()
    {
        _h.Batch(T0, [.. _h.Users(2, T0), _h.Track(BillingEvents.HitBillingLimit, T0)]);

        var health = HealthScore.Compute(_h.State, T0);

        Assert.Equal((25, 25, 20), (Component(health, "active_users_trend").Points, Component(health, "event_trend").Points, Component(health, "billing").Points));
    }
}
