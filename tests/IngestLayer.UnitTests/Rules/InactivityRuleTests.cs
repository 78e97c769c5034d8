using IngestLayer.Contracts;
using static IngestLayer.UnitTests.Rules.RuleHarness;

namespace IngestLayer.UnitTests.Rules;

public class InactivityRuleTests
{
    [Fact]
    public void fires_on_the_schedule_once_the_account_has_been_silent_for_the_days_with_evidence()
    {
        var h = new RuleHarness(Rule(RuleKinds.Inactivity, new RuleParameters { Days = 14 }));
        Assert.Empty(h.Batch(T0, h.Track("dashboard viewed", T0)));

        Assert.Empty(h.Tick(T0.AddDays(13)));
        var alert = Assert.Single(h.Tick(T0.AddDays(14)));

        Assert.Equal("risk", alert.Category);
        Assert.Equal("acme has sent no events for 14 days (last seen 2026-11-23).", alert.Explanation);
        Assert.Contains(new EvidenceItem("Days inactive", "14"), alert.Evidence);
        Assert.Contains(new EvidenceItem("Rule", "no events for 14 days"), alert.Evidence);
        Assert.Empty(h.Tick(T0.AddDays(15)));
    }

    [Fact]
    public void an_account_never_active_is_not_inactive()
    {
        var h = new RuleHarness(Rule(RuleKinds.Inactivity, new RuleParameters { Days = 1 }));
        h.Batch(T0, h.Group(T0, ("plan", "pro")));

        Assert.Empty(h.Tick(T0.AddDays(30)));
    }

    [Fact]
    public void activity_rearms_it_and_a_second_silence_inside_the_cooldown_is_suppressed()
    {
        var h = new RuleHarness(Rule(RuleKinds.Inactivity, new RuleParameters { Days = 14 }, cooldown: TimeSpan.FromDays(20)));
        h.Batch(T0, h.Track("dashboard viewed", T0));
        var first = Assert.Single(h.Tick(T0.AddDays(14)));

        var back = T0.AddDays(15);
        Assert.Empty(h.Batch(back, h.Track("dashboard viewed", back)));
        Assert.Empty(h.Tick(back.AddDays(14))); // silent again 15 days after the first alert, inside the 20-day cooldown
        Assert.Equal(1, h.State.Latch(RuleKinds.Inactivity).Suppressed);

        var resumed = T0.AddDays(30);
        h.Batch(resumed, h.Track("dashboard viewed", resumed));
        var second = Assert.Single(h.Tick(resumed.AddDays(14)));
        Assert.NotEqual(first.AlertId, second.AlertId);
    }
}
