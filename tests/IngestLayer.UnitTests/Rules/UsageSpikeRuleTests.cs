using IngestLayer.Contracts;
using static IngestLayer.UnitTests.Rules.RuleHarness;

namespace IngestLayer.UnitTests.Rules;

public class UsageSpikeRuleTests
{
    // A baseline of one "report exported" a day over the 28 days before today.
    private static RuleHarness WithBaseline(TimeSpan? cooldown = null)
    {
        var h = new RuleHarness(Rule(RuleKinds.UsageSpike, new RuleParameters { Event = "report exported", Factor = 3, MinCount = 10 }, cooldown));
        Assert.Empty(h.Batch(T0, [.. Enumerable.Range(1, 28).Select(d => h.Track("report exported", T0.AddDays(-d)))]));
        return h;
    }

    [Fact]
    public void does_not_fire_below_the_minimum_count()
    {
        var h = WithBaseline();

        Assert.Empty(h.Batch(T0, h.Many(9, "report exported", T0)));
    }

    [Fact]
    public void does_not_fire_below_factor_times_the_baseline()
    {
        var h = new RuleHarness(Rule(RuleKinds.UsageSpike, new RuleParameters { Event = "report exported", Factor = 3, MinCount = 10 }));
        // A baseline of 5 a day: 12 in 24h is above the minimum but under 3x5.
        h.Batch(T0, [.. Enumerable.Range(1, 28).SelectMany(d => h.Many(5, "report exported", T0.AddDays(-d)))]);

        Assert.Empty(h.Batch(T0, h.Many(12, "report exported", T0)));
    }

    [Fact]
    public void fires_once_when_the_24h_count_crosses_with_its_evidence()
    {
        var h = WithBaseline();
        Assert.Empty(h.Batch(T0, h.Many(9, "report exported", T0)));

        var alert = Assert.Single(h.Batch(T0, h.Track("report exported", T0)));

        Assert.Equal(RuleKinds.UsageSpike, alert.Signal);
        Assert.Equal(RuleKinds.UsageSpike, alert.Rule);
        Assert.Equal("expansion", alert.Category);
        Assert.Equal("warning", alert.Severity);
        Assert.Equal("report exported", alert.Subject);
        Assert.Equal("acme used event \"report exported\" 10 times in the last 24h, 10× its daily baseline of 1.", alert.Explanation);
        Assert.Equal(
            [
                new EvidenceItem("Last 24h", "10"),
                new EvidenceItem("Daily baseline (28 days before today)", "1"),
                new EvidenceItem("Rule", "at least 3× baseline and 10"),
                new EvidenceItem("Plan", "unknown"),
            ],
            alert.Evidence);
        Assert.Empty(h.Batch(T0.AddMinutes(5), h.Track("report exported", T0.AddMinutes(5))));
    }

    [Fact]
    public void a_second_spike_inside_the_cooldown_is_suppressed_and_one_after_it_fires()
    {
        var h = WithBaseline(cooldown: TimeSpan.FromHours(72));
        Assert.Single(h.Batch(T0, h.Many(10, "report exported", T0)));

        // A day later the spike has left the 24h window (the rule re-arms) and a new one comes inside the cooldown.
        var day1 = T0.AddHours(25);
        Assert.Empty(h.Batch(day1, h.Many(10, "report exported", day1)));
        Assert.Equal(1, h.State.Latch(RuleKinds.UsageSpike).Suppressed);

        var day4 = T0.AddHours(75);
        var again = Assert.Single(h.Batch(day4, h.Many(10, "report exported", day4)));
        Assert.Contains(new EvidenceItem("Last 24h", "10"), again.Evidence);
    }

    [Fact]
    public void the_alert_is_named_the_same_whatever_the_batch_boundaries()
    {
        // A replay after a crash can cut the same events into other batches.
        var one = WithBaseline();
        var other = WithBaseline();

        var a = Assert.Single(one.Batch(T0, one.Many(12, "report exported", T0)));
        Assert.Empty(other.Batch(T0, other.Many(4, "report exported", T0)));
        var b = Assert.Single(other.Batch(T0, other.Many(8, "report exported", T0)));

        Assert.Equal(a.AlertId, b.AlertId);
    }

    [Fact]
    public void a_feature_spike_counts_uses_of_the_feature()
    {
        var h = new RuleHarness(Rule(RuleKinds.UsageSpike, new RuleParameters { Feature = "csv.export", Factor = 2, MinCount = 50 }));

        var alert = Assert.Single(h.Batch(T0, h.Track("feature.used", T0, feature: "csv.export", count: 50)));
        Assert.Equal("acme used feature csv.export 50 times in the last 24h, with no usage in the 28 days before.", alert.Explanation);
    }
}
