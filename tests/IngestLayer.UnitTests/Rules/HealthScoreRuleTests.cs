using IngestLayer.Contracts;
using static IngestLayer.UnitTests.Rules.RuleHarness;

namespace IngestLayer.UnitTests.Rules;

public class HealthScoreRuleTests
{
    // Health 80: one feature (5), users and events level or up (25 + 25), billing ok (25).
    private static RuleHarness Healthy(TimeSpan? cooldown = null)
    {
        var h = new RuleHarness(Rule(RuleKinds.HealthScore, new RuleParameters { Operator = "<", Value = 40 }, cooldown));
        Assert.Empty(h.Batch(T0, [.. h.Users(2, T0.AddDays(-9)), .. h.Users(2, T0), h.Track("feature.used", T0, "a")]));
        return h;
    }

    [Fact]
    public void a_healthy_account_does_not_fire()
    {
        var h = Healthy();

        Assert.Empty(h.Tick(T0.AddDays(1)));
    }

    [Fact]
    public void silence_drops_the_score_below_the_value_and_the_schedule_fires_with_the_components()
    {
        var h = Healthy();

        var alert = Assert.Single(h.Tick(T0.AddDays(8)));

        Assert.Equal(("risk", "Risk: account health low"), (alert.Category, alert.Title));
        Assert.Equal("acme has a health score of 30 (< 40); weakest: active_users_trend, 0 active users in the last 7 days, 3 the 7 before.", alert.Explanation);
        Assert.Equal(new EvidenceItem("Health score", "30"), alert.Evidence[0]);
        Assert.Contains(new EvidenceItem("billing (25/25)", "billing ok"), alert.Evidence);
        Assert.Contains(new EvidenceItem("Rule", "score < 40"), alert.Evidence);
        Assert.Empty(h.Tick(T0.AddDays(8).AddHours(1)));
    }

    [Fact]
    public void recovering_rearms_it_and_a_second_drop_inside_the_cooldown_is_suppressed()
    {
        var h = Healthy(cooldown: TimeSpan.FromDays(30));
        Assert.Single(h.Tick(T0.AddDays(8)));

        var back = T0.AddDays(9);
        Assert.Empty(h.Batch(back, h.Users(2, back)));
        Assert.Empty(h.Tick(T0.AddDays(17)));
        Assert.Equal(1, h.State.Latch(RuleKinds.HealthScore).Suppressed);
    }
}
