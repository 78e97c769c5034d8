using IngestLayer.Contracts;
using static IngestLayer.UnitTests.Rules.RuleHarness;

namespace IngestLayer.UnitTests.Rules;

public class SeatGrowthRuleTests
{
    private const string Invited = "team member invited";

    [Fact]
    public void invites_fire_at_the_minimum_in_seven_days_with_evidence()
    {
        var h = new RuleHarness(Rule(RuleKinds.SeatGrowth, new RuleParameters { Metric = "invites", MinCount = 3 }));
        Assert.Empty(h.Batch(T0, h.Track(Invited, T0.AddDays(-8)), h.Track(Invited, T0.AddDays(-2)), h.Track(Invited, T0)));

        var alert = Assert.Single(h.Batch(T0, h.Track(Invited, T0)));

        Assert.Equal("expansion", alert.Category);
        Assert.Equal("acme sent 3 invites (team member invited) in the last 7 days; it has 1 member.", alert.Explanation);
        Assert.Contains(new EvidenceItem("Invites (7d)", "3"), alert.Evidence);
        Assert.Empty(h.Batch(T0, h.Track(Invited, T0)));
    }

    [Fact]
    public void invites_inside_the_cooldown_are_suppressed()
    {
        var h = new RuleHarness(Rule(RuleKinds.SeatGrowth, new RuleParameters { Metric = "invites", MinCount = 3 }, cooldown: TimeSpan.FromDays(30)));
        Assert.Single(h.Batch(T0, h.Many(3, Invited, T0)));

        // Eight days on the invites have left the window (re-armed); three more cross it again inside the cooldown.
        var later = T0.AddDays(8);
        Assert.Empty(h.Batch(later, h.Many(3, Invited, later)));
        var afterCooldown = T0.AddDays(40);
        Assert.Single(h.Batch(afterCooldown, h.Many(3, Invited, afterCooldown)));
    }

    [Fact]
    public void active_users_fire_when_up_by_the_percentage_from_the_minimum_baseline()
    {
        var h = new RuleHarness(Rule(RuleKinds.SeatGrowth, new RuleParameters { Metric = "active_users", Percent = 50, MinBaseline = 2 }));
        Assert.Empty(h.Batch(T0, [.. h.Users(2, T0.AddDays(-9)), .. h.Users(2, T0)]));

        var alert = Assert.Single(h.Batch(T0, h.Users(1, T0, first: 3)));

        Assert.Equal("acme had 3 active users in the last 7 days, up 50% from 2 the week before.", alert.Explanation);
        Assert.Contains(new EvidenceItem("Active users (previous 7d)", "2"), alert.Evidence);
    }

    [Fact]
    public void active_user_growth_from_below_the_baseline_does_not_fire()
    {
        var h = new RuleHarness(Rule(RuleKinds.SeatGrowth, new RuleParameters { Metric = "active_users", Percent = 50, MinBaseline = 2 }));

        Assert.Empty(h.Batch(T0, [.. h.Users(1, T0.AddDays(-9)), .. h.Users(5, T0)]));
    }
}
