using IngestLayer.Contracts;
using IngestLayer.Slack;
using IngestLayer.Storage;

namespace IngestLayer.SlackTests;

/// <summary>
/// A pipeline's throttle_per_minute: past it, the rest of the pipeline's minute goes out as one digest per channel,
/// whatever the channel budget allows. The delivery worker on a fake clock, the in-memory outbox, the fake Slack.
/// </summary>
public sealed class PipelineThrottleTests() : FakeClockDeliveryTest(o =>
{
    o.Channels.Add("ada");
    o.Channels.Add("bob");
})
{

    [Fact]
    public async Task deliveries_past_the_pipeline_throttle_go_out_as_one_digest_per_channel_when_its_minute_ends()
    {
        // Five deliveries of one pipeline to two owners' channels; the channel budget (60) would let all through.
        var deliveries = new List<Alert>();
        foreach (var (channel, i) in new[] { ("#ada", 0), ("#ada", 1), ("#ada", 2), ("#bob", 3), ("#ada", 4) })
        {
            deliveries.Add(await EnqueueAsync("exports", channel, i, throttle: 2));
        }

        var other = await EnqueueAsync("signups", "#bob", 5, throttle: 2);
        await using var worker = await StartWorkerAsync();

        // The first two of "exports" and the other pipeline's one go out alone (#ada's second a second after its first).
        await OutboxWait.ForStatusAsync(Outbox, deliveries[0].AlertId, AlertDeliveryStatus.Sent);
        Time.Advance(ChannelLane.MessageInterval);
        var singles = await SlackServer.WaitForMessagesAsync(3, MessageTimeout);
        Assert.Equal(["#ada", "#ada", "#bob"], singles.Select(m => m.Channel).Order(StringComparer.Ordinal));
        await OutboxWait.ForStatusAsync(Outbox, other.AlertId, AlertDeliveryStatus.Sent);
        await OutboxWait.ForStatusAsync(Outbox, deliveries[1].AlertId, AlertDeliveryStatus.Sent);
        foreach (var held in deliveries.Skip(2))
        {
            Assert.Equal(AlertDeliveryStatus.Pending, (await EntryAsync(held.AlertId)).Status);
        }

        Time.Advance(PipelineThrottle.Window);
        var messages = await SlackServer.WaitForMessagesAsync(5, MessageTimeout);

        var digests = messages.Skip(3).ToList();
        Assert.Equal(["#ada", "#bob"], digests.Select(m => m.Channel).Order(StringComparer.Ordinal));
        Assert.Equal("2 more alerts for #ada", Header(digests.Single(m => m.Channel == "#ada")));
        Assert.Equal("1 more alert for #bob", Header(digests.Single(m => m.Channel == "#bob")));
        foreach (var held in deliveries.Skip(2))
        {
            var sent = await OutboxWait.ForStatusAsync(Outbox, held.AlertId, AlertDeliveryStatus.Sent);
            Assert.Equal(digests.Single(m => m.Channel == held.Channel).Ts, sent.SlackTs);
        }
    }

    private async Task<Alert> EnqueueAsync(string pipeline, string channel, int index, int throttle)
    {
        var delivery = SampleAlerts.PaidFeatureOnFreePlan(channel, $"pl_throttle_{index}") with
        {
            AccountId = $"acc_{index}",
            AccountName = $"Account {index}",
            Signal = AlertSignals.Pipeline,
            Rule = pipeline,
            DestinationId = "slack-1",
            ThrottlePerMinute = throttle,
        };
        await Outbox.EnqueueAsync(delivery, CancellationToken.None);
        return delivery;
    }

    private Task<DeliveryWorker> StartWorkerAsync() =>
        DeliveryWorker.StartAsync(Outbox, Time, SlackServer, Logs, o => o.ChannelBudgetPerMinute = 60);
}
