using IngestLayer.Contracts;
using IngestLayer.Slack;
using IngestLayer.Storage;
using IngestLayer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IngestLayer.SlackTests;

/// <summary>
/// Slack:ChannelBudgetPerMinute and the channel's pace end to end: the delivery worker on a fake clock, the
/// in-memory outbox, the real client and the fake Slack over loopback.
/// </summary>
public sealed class ChannelDigestDeliveryTests() : FakeClockDeliveryTest(o => o.Channels.Add("expansion"))
{

    [Fact]
    public async Task a_burst_beyond_the_budget_goes_out_as_one_single_then_one_digest_a_second_later_and_all_are_sent()
    {
        var alerts = await EnqueueAsync("#alerts", 5);
        await using var worker = await StartWorkerAsync(budget: 2);

        // The budget's first message goes alone; its last carries everything still waiting.
        var single = Assert.Single(await SlackServer.WaitForMessagesAsync(1, MessageTimeout));
        await OutboxWait.ForStatusAsync(Outbox, alerts[0].AlertId, AlertDeliveryStatus.Sent);
        Assert.Equal(AlertDeliveryStatus.Pending, (await EntryAsync(alerts[1].AlertId)).Status);

        Time.Advance(ChannelLane.MessageInterval);
        var messages = await SlackServer.WaitForMessagesAsync(2, MessageTimeout);

        Assert.Equal("Account 0", AccountOf(single));
        var digest = messages[1];
        Assert.Equal("#alerts", digest.Channel);
        Assert.Equal("4 more alerts for #alerts", Header(digest));
        Assert.Equal(
            ["Account 1", "Account 2", "Account 3", "Account 4"],
            Sections(digest).Select(line => line[(line.IndexOf(" · ", StringComparison.Ordinal) + 3)..line.IndexOf(" (", StringComparison.Ordinal)]));
        for (var i = 0; i < alerts.Count; i++)
        {
            var entry = await OutboxWait.ForStatusAsync(Outbox, alerts[i].AlertId, AlertDeliveryStatus.Sent);
            Assert.Equal(i == 0 ? single.Ts : digest.Ts, entry.SlackTs);
        }

        // Nothing is sent twice: a minute on, the worker has nothing left to post.
        Time.Advance(TimeSpan.FromMinutes(1));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(2, SlackServer.Messages.Count);
    }

    [Fact]
    public async Task with_the_budget_spent_the_next_alerts_wait_for_its_refill_and_go_out_as_one_digest()
    {
        var first = await EnqueueAsync("#alerts", 1);
        await using var worker = await StartWorkerAsync(budget: 1);
        await OutboxWait.ForStatusAsync(Outbox, first[0].AlertId, AlertDeliveryStatus.Sent);

        var later = await EnqueueAsync("#alerts", 3, firstIndex: 1);

        // A budget of one a minute: nothing more until the minute since the last message has passed.
        Time.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Single(SlackServer.Messages);

        Time.Advance(TimeSpan.FromSeconds(1));
        var messages = await SlackServer.WaitForMessagesAsync(2, MessageTimeout);

        Assert.Equal("3 more alerts for #alerts", Header(messages[1]));
        foreach (var alert in later)
        {
            Assert.Equal(messages[1].Ts, (await OutboxWait.ForStatusAsync(Outbox, alert.AlertId, AlertDeliveryStatus.Sent)).SlackTs);
        }
    }

    [Fact]
    public async Task channels_do_not_share_a_budget_or_a_pace()
    {
        var alerts = (await EnqueueAsync("#alerts", 2)).Concat(await EnqueueAsync("#expansion", 2, firstIndex: 2)).ToList();
        await using var worker = await StartWorkerAsync(budget: 3);

        // One message to each channel at once; each channel's second a second after the first was answered.
        var first = await SlackServer.WaitForMessagesAsync(2, MessageTimeout);
        Assert.Equal(["#alerts", "#expansion"], first.Select(m => m.Channel).Order(StringComparer.Ordinal));
        await OutboxWait.ForStatusAsync(Outbox, alerts[0].AlertId, AlertDeliveryStatus.Sent);
        await OutboxWait.ForStatusAsync(Outbox, alerts[2].AlertId, AlertDeliveryStatus.Sent);
        Time.Advance(ChannelLane.MessageInterval);
        var messages = await SlackServer.WaitForMessagesAsync(4, MessageTimeout);

        Assert.Equal(["#alerts", "#alerts", "#expansion", "#expansion"], messages.Select(m => m.Channel).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(messages, m => Header(m).Contains("more alert", StringComparison.Ordinal));
        foreach (var alert in alerts)
        {
            await OutboxWait.ForStatusAsync(Outbox, alert.AlertId, AlertDeliveryStatus.Sent);
        }

        Assert.Equal(4, messages.Select(m => m.Ts).Distinct().Count());
    }

    [Fact]
    public async Task a_pipeline_s_messages_beyond_its_throttle_go_out_as_one_digest_within_the_channel_budget()
    {
        var deliveries = new List<Alert>();
        for (var i = 0; i < 3; i++)
        {
            var delivery = SampleAlerts.PaidFeatureOnFreePlan("#alerts", $"pl_throttled_{i}") with
            {
                AccountId = $"acc_{i}",
                AccountName = $"Account {i}",
                Signal = AlertSignals.Pipeline,
                Rule = "recipe",
                ThrottlePerMinute = 1,
            };
            await Outbox.EnqueueAsync(delivery, CancellationToken.None);
            deliveries.Add(delivery);
        }

        var rule = (await EnqueueAsync("#alerts", 1, firstIndex: 3))[0];
        await using var worker = await StartWorkerAsync(budget: 5);

        // The pipeline's first message and the rule's alert go out on their own, a second apart; the channel budget has room to spare.
        await OutboxWait.ForStatusAsync(Outbox, deliveries[0].AlertId, AlertDeliveryStatus.Sent);
        Time.Advance(ChannelLane.MessageInterval);
        var singles = await SlackServer.WaitForMessagesAsync(2, MessageTimeout);
        Assert.Equal(["Account 0", "Account 3"], singles.Select(m => AccountOf(m)).Order());
        await OutboxWait.ForStatusAsync(Outbox, rule.AlertId, AlertDeliveryStatus.Sent);
        Assert.Equal(AlertDeliveryStatus.Pending, (await EntryAsync(deliveries[1].AlertId)).Status);

        Time.Advance(PipelineThrottle.Window);
        var messages = await SlackServer.WaitForMessagesAsync(3, MessageTimeout);

        Assert.Equal(3, messages.Count);
        Assert.Equal("2 more alerts for #alerts", Header(messages[2]));
        foreach (var delivery in deliveries.Skip(1))
        {
            Assert.Equal(messages[2].Ts, (await OutboxWait.ForStatusAsync(Outbox, delivery.AlertId, AlertDeliveryStatus.Sent)).SlackTs);
        }
    }

    [Fact]
    public async Task a_rate_limited_digest_is_retried_as_a_digest_no_sooner_than_retry_after()
    {
        SlackServer.RateLimitNext(1, retryAfterSeconds: 30);
        var start = Time.GetUtcNow();
        var alerts = await EnqueueAsync("#alerts", 3);

        // A budget of one: more than one alert waiting means they all go in one digest.
        await using var worker = await StartWorkerAsync(budget: 1);

        foreach (var alert in alerts)
        {
            var retrying = await OutboxWait.ForStatusAsync(Outbox, alert.AlertId, AlertDeliveryStatus.Retrying);
            Assert.Equal("ratelimited", retrying.Error);
            Assert.Equal(start.AddSeconds(30), retrying.NextAttemptAt);
        }

        Assert.Equal([429], SlackServer.Calls.Select(c => c.StatusCode));

        // Not due before Retry-After has passed.
        Time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Single(SlackServer.Calls);

        // Slack refused the first post, so it spent none of the budget: the retry goes as soon as Retry-After has passed.
        Time.Advance(TimeSpan.FromSeconds(1));
        var digest = Assert.Single(await SlackServer.WaitForMessagesAsync(1, MessageTimeout));

        Assert.Equal("3 more alerts for #alerts", Header(digest));
        Assert.Equal(3, Sections(digest).Count);
        foreach (var alert in alerts)
        {
            var sent = await OutboxWait.ForStatusAsync(Outbox, alert.AlertId, AlertDeliveryStatus.Sent, attempts: 2);
            Assert.Equal(digest.Ts, sent.SlackTs);
            Assert.Null(sent.Error);
        }
    }

    [Fact]
    public async Task a_digest_refused_by_slack_marks_every_alert_in_it_failed_with_the_reason()
    {
        SlackServer.SlackErrorNext(1, "channel_not_found");
        var alerts = await EnqueueAsync("#alerts", 3);
        await using var worker = await StartWorkerAsync(budget: 1);

        foreach (var alert in alerts)
        {
            var failed = await OutboxWait.ForStatusAsync(Outbox, alert.AlertId, AlertDeliveryStatus.Failed);
            Assert.Equal("channel_not_found", failed.Error);
            Assert.Equal("Check the channel name, or invite the bot: /invite @yourapp", failed.Hint);
            Assert.Null(failed.SlackTs);
        }

        Assert.Single(SlackServer.Calls);
        Assert.Empty(SlackServer.Messages);
    }

    private async Task<List<Alert>> EnqueueAsync(string channel, int count, int firstIndex = 0)
    {
        var alerts = new List<Alert>();
        for (var i = firstIndex; i < firstIndex + count; i++)
        {
            var alert = SampleAlerts.PaidFeatureOnFreePlan(channel, $"al_budget_{i}") with { AccountId = $"acc_{i}", AccountName = $"Account {i}" };
            await Outbox.EnqueueAsync(alert, CancellationToken.None);
            alerts.Add(alert);
        }

        return alerts;
    }

    // A single alert's account name, from its "Account" field.
    private static string AccountOf(FakeSlackMessage message) =>
        message.Blocks!.Value.EnumerateArray()
            .Where(b => b.TryGetProperty("fields", out _))
            .SelectMany(b => b.GetProperty("fields").EnumerateArray())
            .Select(f => f.GetProperty("text").GetString()!)
            .First(t => t.StartsWith("*Account*\n", StringComparison.Ordinal))["*Account*\n".Length..]
            .Split(" (")[0];

    private static List<string> Sections(FakeSlackMessage message) =>
        [.. message.Blocks!.Value.EnumerateArray()
            .Where(b => b.GetProperty("type").GetString() == "section")
            .Select(b => b.GetProperty("text").GetProperty("text").GetString()!)];

    private Task<DeliveryWorker> StartWorkerAsync(int budget) =>
        DeliveryWorker.StartAsync(Outbox, Time, SlackServer, Logs, o => o.ChannelBudgetPerMinute = budget);
}
