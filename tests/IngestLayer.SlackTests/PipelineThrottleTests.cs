using IngestLayer.Contracts;
using IngestLayer.Slack;
using IngestLayer.Storage;
using IngestLayer.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IngestLayer.SlackTests;

/// <summary>
/// A pipeline's throttle_per_minute: past it, the rest of the pipeline's minute goes out as one digest per channel,
/// whatever the channel budget allows. The delivery worker on a fake clock, the in-memory outbox, the fake Slack.
/// </summary>
public sealed class PipelineThrottleTests : IAsyncLifetime
{
    private static readonly TimeSpan MessageTimeout = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(SampleAlerts.FiredAt);
    private readonly LogCapture _logs = new();
    private MemoryAlertOutbox _outbox = null!;
    private FakeSlack _slack = null!;

    public async Task InitializeAsync()
    {
        _outbox = new MemoryAlertOutbox(Options.Create(new EmbeddedOptions()), _time);
        _slack = await FakeSlack.StartAsync(o =>
        {
            o.Channels.Add("ada");
            o.Channels.Add("bob");
        });
    }

    public async Task DisposeAsync() => await _slack.DisposeAsync();

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
        await OutboxWait.ForStatusAsync(_outbox, deliveries[0].AlertId, AlertDeliveryStatus.Sent);
        _time.Advance(ChannelLane.MessageInterval);
        var singles = await _slack.WaitForMessagesAsync(3, MessageTimeout);
        Assert.Equal(["#ada", "#ada", "#bob"], singles.Select(m => m.Channel).Order(StringComparer.Ordinal));
        await OutboxWait.ForStatusAsync(_outbox, other.AlertId, AlertDeliveryStatus.Sent);
        await OutboxWait.ForStatusAsync(_outbox, deliveries[1].AlertId, AlertDeliveryStatus.Sent);
        foreach (var held in deliveries.Skip(2))
        {
            Assert.Equal(AlertDeliveryStatus.Pending, (await EntryAsync(held.AlertId)).Status);
        }

        _time.Advance(PipelineThrottle.Window);
        var messages = await _slack.WaitForMessagesAsync(5, MessageTimeout);

        var digests = messages.Skip(3).ToList();
        Assert.Equal(["#ada", "#bob"], digests.Select(m => m.Channel).Order(StringComparer.Ordinal));
        Assert.Equal("2 more alerts for #ada", Header(digests.Single(m => m.Channel == "#ada")));
        Assert.Equal("1 more alert for #bob", Header(digests.Single(m => m.Channel == "#bob")));
        foreach (var held in deliveries.Skip(2))
        {
            var sent = await OutboxWait.ForStatusAsync(_outbox, held.AlertId, AlertDeliveryStatus.Sent);
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
        await _outbox.EnqueueAsync(delivery, CancellationToken.None);
        return delivery;
    }

    private async Task<OutboxEntry> EntryAsync(string alertId) =>
        (await _outbox.QueryAsync(new AlertQuery(), CancellationToken.None)).Single(e => e.Alert.AlertId == alertId);

    private static string Header(FakeSlackMessage message) =>
        message.Blocks!.Value[0].GetProperty("text").GetProperty("text").GetString()!;

    private Task<DeliveryWorker> StartWorkerAsync() =>
        DeliveryWorker.StartAsync(_outbox, _time, _slack, _logs, o => o.ChannelBudgetPerMinute = 60);
}
