using IngestLayer.Contracts;
using static IngestLayer.UnitTests.Rules.RuleHarness;

namespace IngestLayer.UnitTests.Rules;

/// <summary>The parameters the foundation's signal did not have (its behaviour is covered by AccountSignalsTests).</summary>
public class PaidFeatureRuleTests
{
    [Fact]
    public void fires_only_at_the_minimum_count_summed_over_the_listed_features()
    {
        var h = new RuleHarness(Rule(RuleKinds.PaidFeatureOnFreePlan, new RuleParameters { Features = ["csv.export", "sso"], Plans = ["free", "trial"], MinCount = 3, WindowHours = 6 }));
        Assert.Empty(h.Batch(T0, h.Group(T0, ("plan", "trial")), h.Track("feature.used", T0, "csv.export", count: 2)));

        var alert = Assert.Single(h.Batch(T0, h.Track("feature.used", T0, "sso")));

        Assert.Equal("sso", alert.Subject);
        Assert.Equal("acme is on the trial plan and used the paid feature sso 1 time in the last 6h (and 1 other paid feature).", alert.Explanation);
        Assert.Contains(new EvidenceItem("csv.export uses", "2 in 6h · 2 in 7d · 2 in 28d"), alert.Evidence);
    }

    [Fact]
    public void uses_older_than_the_window_do_not_count()
    {
        var h = new RuleHarness(Rule(RuleKinds.PaidFeatureOnFreePlan, new RuleParameters { Features = ["csv.export"], Plans = ["free"], MinCount = 1, WindowHours = 6 }));
        h.Batch(T0, h.Group(T0, ("plan", "free")));

        Assert.Empty(h.Batch(T0, h.Track("feature.used", T0.AddHours(-7), "csv.export")));
    }
}
