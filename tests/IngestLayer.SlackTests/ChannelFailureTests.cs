using IngestLayer.Contracts;
using IngestLayer.Slack;
using IngestLayer.Storage;
using Microsoft.Extensions.Logging;

namespace IngestLayer.SlackTests;

/// <summary>
/// What a channel's failures do: a 429 pauses that channel only, a permanent error fails the alert at once, and a
/// channel that keeps failing is reported to the operator once. The delivery worker on a fake clock, the fake Slack.
/// </summary>
public sealed class ChannelFailureTests() : FakeClockDeliveryTest(o =>
{
    o.Channels.Add("expansion");
    o.Channels.Add("ops");
    // Private: the bot cannot join it by itself, so posting there keeps failing until someone invites it.
    o.PrivateChannels.Add("sales-private");
})
{

    [Fact]
    public async Task a_429_on_one_channel_pauses_that_channel_until_retry_after_while_another_keeps_going()
    {
        var start = Time.GetUtcNow();
        SlackServer.RateLimitChannelNext("#alerts", 1, retryAfterSeconds: 30);
        var limited = await EnqueueAsync("#alerts", 2, "lim");
        var flowing = await EnqueueAsync("#expansion", 3, "flow");
        await using var worker = await StartWorkerAsync(o => o.ChannelBudgetPerMinute = 60);

        // #alerts answered 429: both its alerts wait for Retry-After; #expansion goes on, one a second.
        foreach (var alert in limited)
        {
            var waiting = await OutboxWait.ForStatusAsync(Outbox, alert.AlertId, AlertDeliveryStatus.Retrying);
            Assert.Equal("ratelimited", waiting.Error);
            Assert.Equal(start.AddSeconds(30), waiting.NextAttemptAt);
        }

        await AdvanceUntilAsync(() => SlackServer.Messages.Count(m => m.Channel == "#expansion") == 3, "#expansion's three messages");
        var later = (await EnqueueAsync("#alerts", 1, "later"))[0];
        var report = Assert.Single(worker.Health.Report(Time.GetUtcNow()), r => r.Channel == "#alerts");
        Assert.Equal(SlackChannelStatus.Paused, report.Status);
        Assert.Equal(start.AddSeconds(30), report.PausedUntil);

        // Up to a second before the pause ends: not one more call to #alerts, even for an alert that came in meanwhile.
        await AdvanceToAsync(start.AddSeconds(29));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Single(SlackServer.Calls, c => c.Channel == "#alerts");
        Assert.Equal(start.AddSeconds(30), (await OutboxWait.ForStatusAsync(Outbox, later.AlertId, AlertDeliveryStatus.Retrying)).NextAttemptAt);

        await AdvanceUntilAsync(() => SlackServer.Messages.Count(m => m.Channel == "#alerts") == 3, "#alerts' three messages after the pause");
        foreach (var alert in limited.Append(later).Concat(flowing))
        {
            await OutboxWait.ForAsync(Outbox, alert.AlertId, e => e.Status == AlertDeliveryStatus.Sent, "sent");
        }

        Assert.Equal([429, 200, 200, 200], SlackServer.Calls.Where(c => c.Channel == "#alerts").Select(c => c.StatusCode));
    }

    [Theory]
    [InlineData("channel_not_found")]
    [InlineData("is_archived")]
    [InlineData("invalid_auth")]
    [InlineData("token_revoked")]
    [InlineData("missing_scope")]
    [InlineData("msg_too_long")]
    [InlineData("invalid_blocks")]
    [InlineData("account_inactive")]
    [InlineData("restricted_action")]
    [InlineData("team_access_not_granted")]
    [InlineData("an_error_slack_adds_tomorrow")]
    public async Task a_permanent_error_fails_the_alert_with_the_reason_and_a_one_line_hint_and_is_not_retried(string error)
    {
        SlackServer.SlackErrorNext(1, error);
        var alert = (await EnqueueAsync("#alerts", 1, "perm"))[0];
        await using var worker = await StartWorkerAsync();

        var failed = await OutboxWait.ForStatusAsync(Outbox, alert.AlertId, AlertDeliveryStatus.Failed);

        Assert.Equal(error, failed.Error);
        Assert.False(string.IsNullOrWhiteSpace(failed.Hint));
        Assert.DoesNotContain("\n", failed.Hint, StringComparison.Ordinal);
        Assert.Contains(Logs.Lines, l => l.Level == LogLevel.Error && l.Message == $"Alert {alert.AlertId} failed: {error}. {failed.Hint}");

        // Not retried, however long one waits. (not_in_channel, which the bot first tries to fix by joining, is in the tests below.)
        Time.Advance(TimeSpan.FromHours(1));
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Assert.Single(SlackServer.Calls);
        Assert.Equal(1, (await OutboxWait.ForStatusAsync(Outbox, alert.AlertId, AlertDeliveryStatus.Failed)).Attempts);
    }

    [Fact]
    public async Task a_channel_that_keeps_failing_is_reported_to_the_operator_once_and_its_recovery_once()
    {
        var alerts = await EnqueueAsync("#sales-private", 6, "fail");
        await using var worker = await StartWorkerAsync(o =>
        {
            o.ChannelBudgetPerMinute = 60;
            o.OperatorChannel = "#ops";
        });

        await AdvanceUntilAsync(() => Posts("#sales-private") == 6, "six attempts to #sales-private");
        foreach (var alert in alerts)
        {
            await OutboxWait.ForStatusAsync(Outbox, alert.AlertId, AlertDeliveryStatus.Failed);
        }

        // One notice after the third failure in a row, not one per alert.
        var notice = Assert.Single(await SlackServer.WaitForMessagesAsync(1, MessageTimeout));
        Assert.Equal("#ops", notice.Channel);
        Assert.Equal(
            "Deliveries to #sales-private are failing: not_in_channel — The channel is private (or not found among public channels): the bot cannot join it by itself; invite it with /invite @yourapp",
            notice.Text);
        Time.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Assert.Single(SlackServer.Messages);

        var report = Assert.Single(worker.Health.Report(Time.GetUtcNow()), r => r.Channel == "#sales-private");
        Assert.Equal(SlackChannelStatus.Failing, report.Status);
        Assert.Equal(6, report.ConsecutiveFailures);
        Assert.Equal("not_in_channel", report.LastError);
        Assert.NotNull(report.OperatorNotifiedAt);

        // The operator invites the bot; the next alert goes through, and the operator hears so once.
        SlackServer.AddChannel("sales-private");
        var fixedAlert = (await EnqueueAsync("#sales-private", 1, "fixed"))[0];
        await AdvanceUntilAsync(() => SlackServer.Messages.Count == 3, "the alert and the recovery note");
        await OutboxWait.ForStatusAsync(Outbox, fixedAlert.AlertId, AlertDeliveryStatus.Sent);

        var recovered = SlackServer.Messages.Single(m => m.Channel == "#ops" && m != notice);
        Assert.Equal("Deliveries to #sales-private work again (after 6 attempts failed in a row).", recovered.Text);
        Assert.Equal(SlackChannelStatus.Ok, worker.Health.Report(Time.GetUtcNow()).Single(r => r.Channel == "#sales-private").Status);
    }

    [Fact]
    public async Task without_an_operator_channel_a_failing_channel_is_logged_once_per_cooldown_and_shown_in_the_health_report()
    {
        var alerts = await EnqueueAsync("#sales-private", 4, "log");
        await using var worker = await StartWorkerAsync(o =>
        {
            o.ChannelBudgetPerMinute = 60;
            o.OperatorNoticeAfterFailures = 2;
        });

        await AdvanceUntilAsync(() => Posts("#sales-private") == 4, "four attempts");
        foreach (var alert in alerts)
        {
            await OutboxWait.ForStatusAsync(Outbox, alert.AlertId, AlertDeliveryStatus.Failed);
        }

        var logged = Assert.Single(Logs.Lines, l => l.Message.StartsWith("Deliveries to #sales-private are failing", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Equal(
            "Deliveries to #sales-private are failing: 2 failed in a row, last not_in_channel. The channel is private (or not found among public channels): the bot cannot join it by itself; invite it with /invite @yourapp",
            logged.Message);
        Assert.Empty(SlackServer.Messages);
        Assert.Equal(4, worker.Health.Report(Time.GetUtcNow()).Single(r => r.Channel == "#sales-private").ConsecutiveFailures);
    }

    [Fact]
    public async Task an_alert_with_huge_properties_reaches_slack_within_its_limits_with_and_n_more()
    {
        var alert = SampleAlerts.PaidFeatureOnFreePlan("#alerts", "al_huge") with
        {
            Explanation = new string('x', 10_000),
            Evidence = [.. Enumerable.Range(1, 300).Select(i => new EvidenceItem($"property_{i}", new string('v', 2500)))],
        };
        await Outbox.EnqueueAsync(alert, CancellationToken.None);
        await using var worker = await StartWorkerAsync();

        var message = Assert.Single(await SlackServer.WaitForMessagesAsync(1, MessageTimeout));

        await OutboxWait.ForStatusAsync(Outbox, alert.AlertId, AlertDeliveryStatus.Sent);
        BlockKitAssert.WithinLimits(message.Blocks!.Value, message.Text);
        Assert.InRange(BlockKitAssert.MoreCount(message.Blocks.Value), 290, 303);
    }

    // chat.postMessage calls to the channel (the bot's tries to join it are calls too).
    private int Posts(string channel) => SlackServer.Calls.Count(c => c.Method == "chat.postMessage" && c.Channel == channel);

    private async Task<List<Alert>> EnqueueAsync(string channel, int count, string prefix)
    {
        var alerts = new List<Alert>();
        for (var i = 0; i < count; i++)
        {
            var alert = SampleAlerts.PaidFeatureOnFreePlan(channel, $"al_{prefix}_{i}") with { AccountId = $"acc_{prefix}_{i}", AccountName = $"Account {i}" };
            await Outbox.EnqueueAsync(alert, CancellationToken.None);
            alerts.Add(alert);
        }

        return alerts;
    }

    // Moves the fake clock a second at a time (a channel's pace) until the condition holds.
    private async Task AdvanceUntilAsync(Func<bool> condition, string what)
    {
        for (var step = 0; step < 120; step++)
        {
            var deadline = DateTimeOffset.UtcNow.AddMilliseconds(300);
            while (DateTimeOffset.UtcNow < deadline)
            {
                if (condition())
                {
                    return;
                }

                await Task.Delay(20);
            }

            Time.Advance(ChannelLane.MessageInterval);
        }

        throw new TimeoutException($"Waited two fake minutes for {what}. Calls: {string.Join("; ", SlackServer.Calls.Select(c => $"{c.Channel} {c.StatusCode} {c.Error}"))}");
    }

    private async Task AdvanceToAsync(DateTimeOffset until)
    {
        while (Time.GetUtcNow() < until)
        {
            Time.Advance(ChannelLane.MessageInterval);
            await Task.Delay(50);
        }
    }

    private Task<DeliveryWorker> StartWorkerAsync(Action<SlackOptions>? options = null) =>
        DeliveryWorker.StartAsync(Outbox, Time, SlackServer, Logs, options);
}
