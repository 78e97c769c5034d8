using IngestLayer.Slack;
using IngestLayer.Storage;

namespace IngestLayer.SlackTests;

public sealed class ChannelLaneTests
{
    private static readonly DateTimeOffset Start = SampleAlerts.FiredAt;

    [Fact]
    public void a_burst_spends_the_budget_on_singles_and_its_last_message_on_one_digest_of_the_rest()
    {
        var lane = new ChannelLane("default", "#a", budget: 3, Start);
        for (var i = 0; i < 6; i++)
        {
            lane.Enqueue(LaneJob.Single(Entry($"{i}")));
        }

        var sent = new List<LaneJob>();
        var now = Start;
        while (lane.ReadyAt(now, budget: 3) is { } ready && ready <= now + TimeSpan.FromSeconds(5))
        {
            now = ready > now ? ready : now;
            sent.Add(lane.Take(now, budget: 3));
            lane.Answered(now);
        }

        Assert.Equal([false, false, true], sent.Select(j => j.AsDigest));
        Assert.Equal(["0"], sent[0].Entries.Select(e => e.Alert.AlertId));
        Assert.Equal(["2", "3", "4", "5"], sent[2].Entries.Select(e => e.Alert.AlertId));
        Assert.Equal(Start.AddSeconds(2), now);
        Assert.Empty(lane.Jobs);
    }

    [Fact]
    public void messages_are_a_second_apart_and_wait_for_the_budget_to_refill()
    {
        var lane = new ChannelLane("default", "#a", budget: 2, Start);
        lane.Enqueue(LaneJob.Single(Entry("1")));
        lane.Take(Start, budget: 2);
        lane.Answered(Start.AddMilliseconds(300));

        // The interval counts from the answer.
        lane.Enqueue(LaneJob.Single(Entry("2")));
        Assert.Equal(Start.AddMilliseconds(1300), lane.ReadyAt(Start.AddMilliseconds(300), budget: 2));
        lane.Take(Start.AddMilliseconds(1300), budget: 2);
        lane.Answered(Start.AddMilliseconds(1300));

        // Budget spent (2 a minute, one back every 30 s): the next waits for the refill.
        lane.Enqueue(LaneJob.Single(Entry("3")));
        var ready = lane.ReadyAt(Start.AddSeconds(2), budget: 2)!.Value;
        Assert.InRange(ready, Start.AddSeconds(29), Start.AddSeconds(31));
    }

    [Fact]
    public void a_paused_lane_waits_for_retry_after_and_gets_back_the_message_slack_refused()
    {
        var lane = new ChannelLane("default", "#a", budget: 1, Start);
        lane.Enqueue(LaneJob.Single(Entry("1")));
        lane.Take(Start, budget: 1);
        lane.Answered(Start);
        lane.Pause(Start.AddSeconds(30));
        lane.Refund(budget: 1);

        lane.Enqueue(LaneJob.Single(Entry("2")));

        Assert.True(lane.IsPaused(Start.AddSeconds(29)));
        Assert.Equal(Start.AddSeconds(30), lane.ReadyAt(Start.AddSeconds(29), budget: 1));
        Assert.False(lane.IsPaused(Start.AddSeconds(30)));
    }

    [Fact]
    public void an_operator_notice_spends_no_budget_and_is_never_merged()
    {
        var lane = new ChannelLane("default", "#ops", budget: 1, Start);
        lane.Enqueue(LaneJob.Single(Entry("1")));
        lane.Take(Start, budget: 1);
        lane.Answered(Start);

        var notice = LaneJob.ForNotice(new SlackMessage("#ops", "Deliveries to #a are failing", []));
        lane.Enqueue(notice);

        Assert.Equal(Start.AddSeconds(1), lane.ReadyAt(Start, budget: 1));
        Assert.Same(notice, lane.Take(Start.AddSeconds(1), budget: 1));
    }

    private static OutboxEntry Entry(string id) => new() { Alert = SampleAlerts.PaidFeatureOnFreePlan("#a", id) };
}
