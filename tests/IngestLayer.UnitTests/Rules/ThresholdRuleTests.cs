using IngestLayer.Contracts;
using static IngestLayer.UnitTests.Rules.RuleHarness;

namespace IngestLayer.UnitTests.Rules;

public class ThresholdRuleTests
{
    private static RuleDefinition ApiCalls(TimeSpan? cooldown = null) => Rule(
        RuleKinds.Threshold,
        new RuleParameters { Feature = "api.call", Window = "24h", Operator = ">=", Value = 100, Plans = ["pro"] },
        cooldown,
        id: "heavy-api-use");

    [Fact]
    public void fires_when_the_count_reaches_the_value_with_evidence()
    {
        var h = new RuleHarness(ApiCalls());
        Assert.Empty(h.Batch(T0, h.Group(T0, ("plan", "pro")), h.Track("feature.used", T0, "api.call", count: 99)));

        var alert = Assert.Single(h.Batch(T0, h.Track("feature.used", T0, "api.call")));

        Assert.Equal("heavy-api-use", alert.Rule);
        Assert.Equal(RuleKinds.Threshold, alert.Signal);
        Assert.Equal("Threshold: heavy-api-use", alert.Title);
        Assert.Equal("acme: feature api.call counted 100 in the last 24h (>= 100).", alert.Explanation);
        Assert.Equal([new EvidenceItem("Count (24h)", "100"), new EvidenceItem("Rule", ">= 100 in 24h"), new EvidenceItem("Plan", "pro")], alert.Evidence);
        Assert.Empty(h.Batch(T0, h.Track("feature.used", T0, "api.call")));
    }

    [Fact]
    public void a_plan_outside_the_rule_s_plans_does_not_fire()
    {
        var h = new RuleHarness(ApiCalls());

        Assert.Empty(h.Batch(T0, h.Group(T0, ("plan", "free")), h.Track("feature.used", T0, "api.call", count: 500)));
    }

    [Fact]
    public void rearms_when_the_window_drops_below_and_respects_the_cooldown()
    {
        var h = new RuleHarness(ApiCalls(cooldown: TimeSpan.FromHours(36)));
        h.Batch(T0, h.Group(T0, ("plan", "pro")));
        Assert.Single(h.Batch(T0, h.Track("feature.used", T0, "api.call", count: 100)));

        var day1 = T0.AddHours(25);
        Assert.Empty(h.Batch(day1, h.Track("feature.used", day1, "api.call", count: 100)));
        var day2 = T0.AddHours(50);
        Assert.Single(h.Batch(day2, h.Track("feature.used", day2, "api.call", count: 100)));
    }

    [Fact]
    public void a_below_threshold_is_crossed_by_silence_on_the_schedule()
    {
        var h = new RuleHarness(Rule(RuleKinds.Threshold, new RuleParameters { Event = "dashboard viewed", Window = "7d", Operator = "<", Value = 1 }, id: "no-dashboards"));
        Assert.Empty(h.Batch(T0, h.Track("dashboard viewed", T0)));
        Assert.Empty(h.Tick(T0.AddDays(6)));

        var alert = Assert.Single(h.Tick(T0.AddDays(7)));
        Assert.Equal("risk", alert.Category);
        Assert.Contains(new EvidenceItem("Count (7d)", "0"), alert.Evidence);
    }
}
