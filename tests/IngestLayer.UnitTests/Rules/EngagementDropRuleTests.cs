using IngestLayer.Contracts;
using static IngestLayer.UnitTests.Rules.RuleHarness;

namespace IngestLayer.UnitTests.Rules;

public class EngagementDropRuleTests
{
    private static RuleDefinition ActiveUsersDrop(TimeSpan? cooldown = null) =>
        Rule(RuleKinds.EngagementDrop, new RuleParameters { Metric = "active_users", Percent = 50, MinBaseline = 4 }, cooldown);

    [Fact]
    public void a_smaller_drop_does_not_fire()
    {
        var h = new RuleHarness(ActiveUsersDrop());

        Assert.Empty(h.Batch(T0, [.. h.Users(4, T0.AddDays(-10)), .. h.Users(3, T0)]));
        Assert.Empty(h.Tick(T0.AddHours(1)));
    }

    [Fact]
    public void silence_deepens_a_drop_until_the_schedule_fires_it_with_evidence()
    {
        var h = new RuleHarness(ActiveUsersDrop());
        // Four users last week (three days ago), none since.
        Assert.Empty(h.Batch(T0, h.Users(4, T0.AddDays(-3))));
        Assert.Empty(h.Tick(T0.AddDays(1)));

        // Four days on, the last 7 days hold no active user and the 7 before hold all four.
        var alert = Assert.Single(h.Tick(T0.AddDays(4)));

        Assert.Equal("risk", alert.Category);
        Assert.Equal("acme had 0 active users in the last 7 days, down 100% from 4 the week before.", alert.Explanation);
        Assert.Contains(new EvidenceItem("Active users (7d)", "0"), alert.Evidence);
        Assert.Contains(new EvidenceItem("Active users (previous 7d)", "4"), alert.Evidence);
        Assert.Contains(new EvidenceItem("Rule", "down at least 50% from at least 4"), alert.Evidence);
        Assert.Empty(h.Tick(T0.AddDays(4).AddHours(1)));
    }

    [Fact]
    public void a_drop_crossed_by_a_batch_fires_once_and_rearms_on_recovery_but_respects_the_cooldown()
    {
        var h = new RuleHarness(ActiveUsersDrop(cooldown: TimeSpan.FromDays(30)));
        Assert.Single(h.Batch(T0, [.. h.Users(4, T0.AddDays(-10)), .. h.Users(2, T0)]));

        // Back up (re-armed), then down again inside the cooldown: suppressed.
        Assert.Empty(h.Batch(T0, h.Users(2, T0, first: 3)));
        var later = T0.AddDays(10);
        Assert.Empty(h.Batch(later, h.Users(1, later)));
        Assert.Equal(1, h.State.Latch(RuleKinds.EngagementDrop).Suppressed);
    }

    [Fact]
    public void a_drop_in_an_event_count_counts_that_event()
    {
        var h = new RuleHarness(Rule(RuleKinds.EngagementDrop, new RuleParameters { Metric = "count", Event = "report exported", Percent = 40, MinBaseline = 10 }));
        // 10 the week before, 7 six days ago: down 30%, short of 40%.
        Assert.Empty(h.Batch(T0, [.. h.Many(10, "report exported", T0.AddDays(-8)), .. h.Many(7, "report exported", T0.AddDays(-6))]));
        Assert.Empty(h.Tick(T0));

        // A day on, all 17 are in the week before and none in the last 7 days.
        var alert = Assert.Single(h.Tick(T0.AddDays(1)));
        Assert.Equal("acme had 0 uses of event \"report exported\" in the last 7 days, down 100% from 17 the week before.", alert.Explanation);
        Assert.Contains(new EvidenceItem("Count (previous 7d)", "17"), alert.Evidence);
    }
}
