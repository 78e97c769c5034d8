using IngestLayer.Slack;
using IngestLayer.Storage;

namespace IngestLayer.SlackTests;

public sealed class PipelineThrottleWindowTests
{
    private static readonly DateTimeOffset Start = SampleAlerts.FiredAt;

    private readonly PipelineThrottle _budget = new();

    [Fact]
    public void within_a_window_the_budget_goes_out_singly_and_the_rest_is_held_until_the_window_ends()
    {
        Assert.True(_budget.TryPostSingle("#a", Entry("1"), budget: 2, Start));
        Assert.True(_budget.TryPostSingle("#a", Entry("2"), budget: 2, Start.AddSeconds(10)));
        Assert.False(_budget.TryPostSingle("#a", Entry("3"), budget: 2, Start.AddSeconds(20)));
        Assert.False(_budget.TryPostSingle("#a", Entry("4"), budget: 2, Start.AddSeconds(59)));

        Assert.Empty(_budget.TakeEndedDigests(Start.AddSeconds(59)));
        var (key, entries) = Assert.Single(_budget.TakeEndedDigests(Start + PipelineThrottle.Window));
        Assert.Equal("#a", key);
        Assert.Equal(["3", "4"], entries.Select(e => e.Alert.AlertId));

        // Taken once: a new window starts with a fresh budget.
        Assert.Empty(_budget.TakeEndedDigests(Start + PipelineThrottle.Window));
        Assert.True(_budget.TryPostSingle("#a", Entry("5"), budget: 2, Start + PipelineThrottle.Window));
    }

    [Fact]
    public void each_key_has_its_own_window()
    {
        Assert.True(_budget.TryPostSingle("#a", Entry("1"), budget: 1, Start));
        Assert.True(_budget.TryPostSingle("#b", Entry("2"), budget: 1, Start));
        Assert.False(_budget.TryPostSingle("#a", Entry("3"), budget: 1, Start));

        Assert.Equal("#a", Assert.Single(_budget.TakeEndedDigests(Start + PipelineThrottle.Window)).Key);
    }

    [Fact]
    public void a_window_without_held_alerts_ends_quietly_and_the_next_alert_starts_a_new_one()
    {
        Assert.True(_budget.TryPostSingle("#a", Entry("1"), budget: 1, Start));

        // No digest was due, so the late alert is not held for an old window.
        Assert.True(_budget.TryPostSingle("#a", Entry("2"), budget: 1, Start.AddSeconds(61)));
        Assert.Empty(_budget.TakeEndedDigests(Start.AddSeconds(61)));
    }

    private static OutboxEntry Entry(string id) => new() { Alert = SampleAlerts.PaidFeatureOnFreePlan("#a", id) };
}
