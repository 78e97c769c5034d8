using IngestLayer.Contracts;
using IngestLayer.Slack;
using IngestLayer.Storage;
using IngestLayer.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IngestLayer.SlackTests;

/// <summary>
/// The daily digest per owner end to end: the delivery worker on a fake clock, the in-memory outbox and
/// preference store, the real client and the fake Slack over loopback. The owner reads Berlin time; the clocks
/// there spring forward on 29 March 2026, so that day's 09:00 digest is due at 07:00 UTC (08:00 UTC the day before).
/// </summary>
public sealed class OwnerDigestDeliveryTests : IAsyncLifetime
{
    private const string Dana = "dana@vendor.example";
    private static readonly TimeSpan MessageTimeout = TimeSpan.FromSeconds(10);

    // Saturday 28 March 2026, 11:00 in Berlin: past that day's digest, so alerts held now wait for Sunday's.
    private static readonly DateTimeOffset Start = new(2026, 3, 28, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset SundayDue = new(2026, 3, 29, 7, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly LogCapture _logs = new();
    private readonly MemoryOwnerPreferenceStore _preferences = new();
    private MemoryAlertOutbox _outbox = null!;
    private FakeSlack _slack = null!;

    public async Task InitializeAsync()
    {
        _outbox = new MemoryAlertOutbox(Options.Create(new EmbeddedOptions()), _time);
        _slack = await FakeSlack.StartAsync(o => o.Channels.Add("dana-digest"));
    }

    public async Task DisposeAsync() => await _slack.DisposeAsync();

    [Fact]
    public async Task alerts_of_a_digest_owner_are_held_not_sent_while_a_live_owners_alert_goes_out()
    {
        await DigestAsync();
        var held = await EnqueueAsync(Alert("al_held", "acc_1", "Globex", "expansion"));
        var live = await EnqueueAsync(Alert("al_live", "acc_2", "Initech", "risk") with { Owner = "erin@vendor.example" });
        await using var worker = await StartWorkerAsync();

        var messages = await _slack.WaitForMessagesAsync(1, MessageTimeout);
        var sent = await OutboxWait.ForStatusAsync(_outbox, live.AlertId, AlertDeliveryStatus.Sent);
        var entry = await OutboxWait.ForAsync(_outbox, held.AlertId, e => e.Status == AlertDeliveryStatus.HeldForDigest, "held for the digest");

        Assert.Equal(0, entry.Attempts);
        Assert.Null(entry.SlackTs);
        Assert.Equal(messages[0].Ts, sent.SlackTs);

        // An hour on (several scheduler checks), still before Sunday's digest: nothing more is posted.
        _time.Advance(TimeSpan.FromHours(1));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Single(_slack.Messages);
        Assert.Equal(AlertDeliveryStatus.HeldForDigest, (await EntryAsync(held.AlertId)).Status);
    }

    [Fact]
    public async Task a_pipelines_message_to_a_digest_owners_account_goes_out_live()
    {
        await DigestAsync();
        var pipeline = await EnqueueAsync(Alert("pl_route", "acc_1", "Globex", "pipeline") with { Signal = AlertSignals.Pipeline, Rule = "exports" });
        await using var worker = await StartWorkerAsync();

        var messages = await _slack.WaitForMessagesAsync(1, MessageTimeout);
        var sent = await OutboxWait.ForStatusAsync(_outbox, pipeline.AlertId, AlertDeliveryStatus.Sent);

        Assert.Equal(messages[0].Ts, sent.SlackTs);
    }

    [Fact]
    public async Task the_digest_goes_out_once_at_nine_berlin_time_on_the_day_the_clocks_spring_forward()
    {
        await DigestAsync();
        var alerts = new[]
        {
            await EnqueueAsync(Alert("al_1", "acc_1", "Globex", "expansion")),
            await EnqueueAsync(Alert("al_2", "acc_2", "Initech", "risk") with { Rule = "payment_failed", Explanation = "An invoice payment failed." }),
            await EnqueueAsync(Alert("al_3", "acc_1", "Globex", "expansion") with { Rule = "seat_growth", Explanation = "4 invites in 7 days." }),
        };
        await using var worker = await StartWorkerAsync();
        foreach (var alert in alerts)
        {
            await OutboxWait.ForAsync(_outbox, alert.AlertId, e => e.Status == AlertDeliveryStatus.HeldForDigest, "held for the digest");
        }

        // 08:59:30 in Berlin: not yet. At 07:00 UTC it is 09:00 (summer time since 02:00); with the winter offset
        // the digest would wait until 08:00 UTC.
        _time.SetUtcNow(SundayDue - TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Empty(_slack.Messages);

        _time.SetUtcNow(SundayDue);
        var digest = Assert.Single(await _slack.WaitForMessagesAsync(1, MessageTimeout));

        Assert.Equal("#alerts", digest.Channel);
        Assert.Equal($"Daily digest for {Dana}: 3 signals", Header(digest));
        Assert.Equal(
            [
                "Sunday 29 March 2026 · 2 expansion · 1 risk",
                "*Globex* (`acc_1`) · 2 signals\n• `paid_feature_on_free_plan` — Globex used csv.export on the free plan.\n• `seat_growth` — 4 invites in 7 days.",
                "*Initech* (`acc_2`) · 1 signal\n• `payment_failed` — An invoice payment failed.",
            ],
            Sections(digest));
        foreach (var alert in alerts)
        {
            var entry = await OutboxWait.ForStatusAsync(_outbox, alert.AlertId, AlertDeliveryStatus.Digested);
            Assert.Equal((digest.Ts, "#alerts"), (entry.SlackTs, entry.Channel));
        }

        // Later that day and the next morning: nothing is held, so nothing more is posted.
        _time.Advance(TimeSpan.FromHours(2));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        _time.SetUtcNow(SundayDue + TimeSpan.FromDays(1));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Single(_slack.Messages);
    }

    [Fact]
    public async Task two_workers_and_a_restart_send_the_days_digest_once_to_the_owners_channel()
    {
        await DigestAsync(channel: "#dana-digest");
        var alert = await EnqueueAsync(Alert("al_once", "acc_1", "Globex", "expansion"));
        await using var first = await StartWorkerAsync();
        await using (var second = await StartWorkerAsync())
        {
            await OutboxWait.ForAsync(_outbox, alert.AlertId, e => e.Status == AlertDeliveryStatus.HeldForDigest, "held for the digest");
            _time.SetUtcNow(SundayDue);

            var digest = Assert.Single(await _slack.WaitForMessagesAsync(1, MessageTimeout));
            Assert.Equal("#dana-digest", digest.Channel);
            Assert.Equal(digest.Ts, (await OutboxWait.ForStatusAsync(_outbox, alert.AlertId, AlertDeliveryStatus.Digested)).SlackTs);
        }

        // The second worker is gone; a new one starts, and both check again after the check interval.
        await using var restarted = await StartWorkerAsync();
        _time.Advance(OwnerDigestDelivery.CheckInterval);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Single(_slack.Messages);
        Assert.Single(_slack.Calls);
    }

    [Fact]
    public async Task switching_back_to_live_sends_the_held_alerts_and_new_ones_live()
    {
        await DigestAsync();
        var held = await EnqueueAsync(Alert("al_before", "acc_1", "Globex", "expansion"));
        await using var worker = await StartWorkerAsync();
        await OutboxWait.ForAsync(_outbox, held.AlertId, e => e.Status == AlertDeliveryStatus.HeldForDigest, "held for the digest");

        await _preferences.SaveAsync("acme-analytics", OwnerPreferences.Default(Dana), _time.GetUtcNow(), CancellationToken.None);
        _time.Advance(OwnerDigestDelivery.CheckInterval);
        var released = await OutboxWait.ForStatusAsync(_outbox, held.AlertId, AlertDeliveryStatus.Sent);

        var fresh = await EnqueueAsync(Alert("al_after", "acc_2", "Initech", "risk"));

        // The channel's next message waits its turn: a second after the last.
        _time.Advance(ChannelLane.MessageInterval);
        var sent = await OutboxWait.ForStatusAsync(_outbox, fresh.AlertId, AlertDeliveryStatus.Sent);

        var messages = await _slack.WaitForMessagesAsync(2, MessageTimeout);
        Assert.Equal([released.SlackTs, sent.SlackTs], messages.Select(m => m.Ts));
        Assert.DoesNotContain(messages, m => Header(m).StartsWith("Daily digest", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, l => l.Message.Contains("al_after held", StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_rate_limited_digest_is_retried_as_one_digest_no_sooner_than_retry_after()
    {
        await DigestAsync();
        var alerts = new[] { await EnqueueAsync(Alert("al_r1", "acc_1", "Globex", "expansion")), await EnqueueAsync(Alert("al_r2", "acc_2", "Initech", "risk")) };
        await using var worker = await StartWorkerAsync();
        foreach (var alert in alerts)
        {
            await OutboxWait.ForAsync(_outbox, alert.AlertId, e => e.Status == AlertDeliveryStatus.HeldForDigest, "held for the digest");
        }

        _slack.RateLimitNext(1, retryAfterSeconds: 30);
        _time.SetUtcNow(SundayDue);
        foreach (var alert in alerts)
        {
            var waiting = await OutboxWait.ForAsync(_outbox, alert.AlertId, e => e.Error == "ratelimited", "waiting out Retry-After");
            Assert.Equal(AlertDeliveryStatus.HeldForDigest, waiting.Status);
        }

        _time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Empty(_slack.Messages);

        // The next check after Retry-After has passed.
        _time.Advance(OwnerDigestDelivery.CheckInterval + TimeSpan.FromSeconds(1));
        var digest = Assert.Single(await _slack.WaitForMessagesAsync(1, MessageTimeout));

        Assert.Equal($"Daily digest for {Dana}: 2 signals", Header(digest));
        foreach (var alert in alerts)
        {
            var entry = await OutboxWait.ForStatusAsync(_outbox, alert.AlertId, AlertDeliveryStatus.Digested, attempts: 2);
            Assert.Equal((digest.Ts, (string?)null), (entry.SlackTs, entry.Error));
        }

        Assert.Equal([429, 200], _slack.Calls.Select(c => c.StatusCode));
    }

    [Fact]
    public async Task a_digest_refused_by_slack_fails_its_alerts_with_the_reason_and_is_not_retried()
    {
        await DigestAsync();
        var alerts = new[] { await EnqueueAsync(Alert("al_f1", "acc_1", "Globex", "expansion")), await EnqueueAsync(Alert("al_f2", "acc_2", "Initech", "risk")) };
        await using var worker = await StartWorkerAsync();
        foreach (var alert in alerts)
        {
            await OutboxWait.ForAsync(_outbox, alert.AlertId, e => e.Status == AlertDeliveryStatus.HeldForDigest, "held for the digest");
        }

        _slack.SlackErrorNext(1, "channel_not_found");
        _time.SetUtcNow(SundayDue);

        foreach (var alert in alerts)
        {
            var failed = await OutboxWait.ForStatusAsync(_outbox, alert.AlertId, AlertDeliveryStatus.Failed);
            Assert.Equal("channel_not_found", failed.Error);
            Assert.NotNull(failed.Hint);
            Assert.Null(failed.SlackTs);
        }

        _time.Advance(TimeSpan.FromHours(1));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Single(_slack.Calls);
        Assert.Empty(_slack.Messages);
    }

    private Task DigestAsync(string? channel = null) => _preferences.SaveAsync(
        "acme-analytics",
        new OwnerPreferences(Dana, OwnerDeliveryMode.DailyDigest, new TimeOnly(9, 0), "Europe/Berlin", channel),
        _time.GetUtcNow(),
        CancellationToken.None).AsTask();

    private async Task<Alert> EnqueueAsync(Alert alert)
    {
        Assert.True(await _outbox.EnqueueAsync(alert, CancellationToken.None));
        return alert;
    }

    private static Alert Alert(string id, string accountId, string accountName, string category) =>
        SampleAlerts.PaidFeatureOnFreePlan("#alerts", id) with
        {
            AccountId = accountId,
            AccountName = accountName,
            Category = category,
            Rule = "paid_feature_on_free_plan",
            Explanation = "Globex used csv.export on the free plan.",
            Owner = Dana,
        };

    private async Task<OutboxEntry> EntryAsync(string alertId) =>
        (await _outbox.QueryAsync(new AlertQuery(), CancellationToken.None)).Single(e => e.Alert.AlertId == alertId);

    private static string Header(FakeSlackMessage message) =>
        message.Blocks!.Value[0].GetProperty("text").GetProperty("text").GetString()!;

    private static List<string> Sections(FakeSlackMessage message) =>
        [.. message.Blocks!.Value.EnumerateArray()
            .Where(b => b.GetProperty("type").GetString() == "section")
            .Select(b => b.GetProperty("text").GetProperty("text").GetString()!)];

    private Task<DeliveryWorker> StartWorkerAsync() => DeliveryWorker.StartAsync(_outbox, _time, _slack, _logs, preferences: _preferences);
}
