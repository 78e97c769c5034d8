using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

/// <summary>
/// What every <see cref="IAlertOutbox"/> must do. The subclass gives each test an empty outbox (claims
/// take any due row, so tests cannot share one).
/// </summary>
public abstract partial class AlertOutboxContract
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    /// <summary>An empty outbox over <see cref="TimeProvider.System"/>.</summary>
    protected abstract IAlertOutbox Outbox { get; }

    /// <summary>A second handle on the same outbox, as a second worker (or host) would have.</summary>
    protected abstract IAlertOutbox SecondWorker { get; }

    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    [Fact]
    public async Task enqueue_adds_an_alert_once_per_id()
    {
        var ws = TestEvents.NewWorkspace();

        Assert.True(await Outbox.EnqueueAsync(TestEvents.Alert(ws, "a1"), CancellationToken.None));
        Assert.False(await Outbox.EnqueueAsync(TestEvents.Alert(ws, "a1") with { Title = "replayed" }, CancellationToken.None));

        var entry = Assert.Single(await Outbox.QueryAsync(new AlertQuery(ws), CancellationToken.None));
        Assert.Equal("Risk: invoice payment failed", entry.Alert.Title);
        Assert.Equal((AlertDeliveryStatus.Pending, 0, "#ada-alerts"), (entry.Status, entry.Attempts, entry.Channel));
    }

    [Fact]
    public async Task a_claimed_entry_carries_the_alert_as_it_was_enqueued()
    {
        var alert = TestEvents.Alert(TestEvents.NewWorkspace(), "whole");
        await Outbox.EnqueueAsync(alert, CancellationToken.None);

        var claimed = Assert.Single(await Outbox.ClaimDueAsync(10, Now, Lease, CancellationToken.None));

        Assert.Equal(JsonSerializer.Serialize(alert), JsonSerializer.Serialize(claimed.Alert));
    }

    [Fact]
    public async Task two_workers_claiming_at_once_never_claim_the_same_alert()
    {
        var ws = TestEvents.NewWorkspace();
        var ids = Enumerable.Range(0, 60).Select(i => $"race-{i}").ToList();
        foreach (var id in ids)
        {
            await Outbox.EnqueueAsync(TestEvents.Alert(ws, id), CancellationToken.None);
        }

        async Task<List<string>> DrainAsync(IAlertOutbox worker)
        {
            var mine = new List<string>();
            while (await worker.ClaimDueAsync(3, Now, Lease, CancellationToken.None) is { Count: > 0 } batch)
            {
                mine.AddRange(batch.Select(e => e.Alert.AlertId));
            }

            return mine;
        }

        var both = await Task.WhenAll(Task.Run(() => DrainAsync(Outbox)), Task.Run(() => DrainAsync(SecondWorker)));

        Assert.Empty(both[0].Intersect(both[1]));
        Assert.Equal(ids.Order(), both[0].Concat(both[1]).Order());
    }

    [Fact]
    public async Task a_leased_alert_is_not_claimed_again_until_the_lease_ends()
    {
        await Outbox.EnqueueAsync(TestEvents.Alert(TestEvents.NewWorkspace(), "leased"), CancellationToken.None);
        var now = Now;

        Assert.Single(await Outbox.ClaimDueAsync(10, now, Lease, CancellationToken.None));
        Assert.Empty(await SecondWorker.ClaimDueAsync(10, now + Lease - TimeSpan.FromSeconds(1), Lease, CancellationToken.None));

        // The worker died without completing: once its lease has run out, another takes the alert.
        var again = Assert.Single(await SecondWorker.ClaimDueAsync(10, now + Lease + TimeSpan.FromSeconds(1), Lease, CancellationToken.None));
        Assert.Equal("leased", again.Alert.AlertId);
    }

    [Fact]
    public async Task completed_attempts_are_recorded_and_queried_by_status()
    {
        var ws = TestEvents.NewWorkspace();
        foreach (var id in new[] { "sent", "retrying", "failed" })
        {
            await Outbox.EnqueueAsync(TestEvents.Alert(ws, id), CancellationToken.None);
        }

        var now = Now;
        Assert.Equal(3, (await Outbox.ClaimDueAsync(10, now, Lease, CancellationToken.None)).Count);
        await Outbox.CompleteAttemptAsync("sent", new DeliveryOutcome(AlertDeliveryStatus.Sent, "#ada-alerts", SlackTs: "1700000000.000100"), CancellationToken.None);
        await Outbox.CompleteAttemptAsync("retrying", new DeliveryOutcome(AlertDeliveryStatus.Retrying, "#ada-alerts", now + TimeSpan.FromMinutes(5), Error: "ratelimited"), CancellationToken.None);
        await Outbox.CompleteAttemptAsync("failed", new DeliveryOutcome(AlertDeliveryStatus.Failed, "#gone", Error: "channel_not_found", Hint: "Check the channel name."), CancellationToken.None);

        var sent = Assert.Single(await Outbox.QueryAsync(new AlertQuery(ws, Status: AlertDeliveryStatus.Sent), CancellationToken.None));
        Assert.Equal(("sent", 1, "1700000000.000100", "#ada-alerts"), (sent.Alert.AlertId, sent.Attempts, sent.SlackTs, sent.Channel));
        Assert.NotNull(sent.DeliveredAt);
        var failed = Assert.Single(await Outbox.QueryAsync(new AlertQuery(ws, Status: AlertDeliveryStatus.Failed), CancellationToken.None));
        Assert.Equal(("failed", "channel_not_found", "Check the channel name.", "#gone"), (failed.Alert.AlertId, failed.Error, failed.Hint, failed.Channel));
        Assert.Null(failed.DeliveredAt);

        // The retrying one comes due again at its next attempt, not before; the others never.
        Assert.Empty(await Outbox.ClaimDueAsync(10, now + TimeSpan.FromMinutes(4), Lease, CancellationToken.None));
        var due = Assert.Single(await Outbox.ClaimDueAsync(10, now + TimeSpan.FromMinutes(6), Lease, CancellationToken.None));
        Assert.Equal(("retrying", AlertDeliveryStatus.Retrying, "ratelimited"), (due.Alert.AlertId, due.Status, due.Error));
    }

    [Fact]
    public async Task a_failed_alert_can_be_requeued_and_nothing_else_can()
    {
        var ws = TestEvents.NewWorkspace();
        await Outbox.EnqueueAsync(TestEvents.Alert(ws, "will-fail"), CancellationToken.None);
        await Outbox.EnqueueAsync(TestEvents.Alert(ws, "still-pending"), CancellationToken.None);
        await Outbox.ClaimDueAsync(1, Now, Lease, CancellationToken.None);
        await Outbox.CompleteAttemptAsync("will-fail", new DeliveryOutcome(AlertDeliveryStatus.Failed, "#private", Error: "not_in_channel", Hint: "Invite the bot."), CancellationToken.None);

        Assert.Equal(RequeueResult.Unknown, await Outbox.RequeueAsync("no-such-alert", CancellationToken.None));
        Assert.Equal(RequeueResult.NotFailed, await Outbox.RequeueAsync("still-pending", CancellationToken.None));
        Assert.Equal(RequeueResult.Requeued, await Outbox.RequeueAsync("will-fail", CancellationToken.None));
        Assert.Equal(RequeueResult.NotFailed, await Outbox.RequeueAsync("will-fail", CancellationToken.None));

        var requeued = Assert.Single(await Outbox.QueryAsync(new AlertQuery(ws, Status: AlertDeliveryStatus.Pending), CancellationToken.None), e => e.Alert.AlertId == "will-fail");
        Assert.Equal(0, requeued.Attempts);
        var claimed = await Outbox.ClaimDueAsync(10, Now, Lease, CancellationToken.None);
        Assert.Contains(claimed, e => e.Alert.AlertId == "will-fail");
    }

    [Fact]
    public async Task query_filters_by_workspace_account_signal_and_limit_newest_first()
    {
        var ws = TestEvents.NewWorkspace();
        await Outbox.EnqueueAsync(TestEvents.Alert(ws, "q1", account: "acme", signal: "payment_failed"), CancellationToken.None);
        await Outbox.EnqueueAsync(TestEvents.Alert(ws, "q2", account: "globex", signal: "payment_failed"), CancellationToken.None);
        await Outbox.EnqueueAsync(TestEvents.Alert(ws, "q3", account: "acme", signal: "paid_feature_on_free_plan"), CancellationToken.None);
        await Outbox.EnqueueAsync(TestEvents.Alert(TestEvents.NewWorkspace(), "q4", account: "acme"), CancellationToken.None);

        static async Task<IEnumerable<string>> Ids(IAlertOutbox outbox, AlertQuery query) =>
            (await outbox.QueryAsync(query, CancellationToken.None)).Select(e => e.Alert.AlertId);

        Assert.Equal(["q3", "q2", "q1"], await Ids(Outbox, new AlertQuery(ws)));
        Assert.Equal(["q3", "q1"], await Ids(Outbox, new AlertQuery(ws, AccountId: "acme")));
        Assert.Equal(["q2", "q1"], await Ids(Outbox, new AlertQuery(ws, Signal: "payment_failed")));
        Assert.Equal(["q1"], await Ids(Outbox, new AlertQuery(ws, "acme", "payment_failed", AlertDeliveryStatus.Pending)));
        Assert.Equal(["q3"], await Ids(Outbox, new AlertQuery(ws, Limit: 1)));
        Assert.Empty(await Ids(Outbox, new AlertQuery(ws, Status: AlertDeliveryStatus.Sent)));
    }

    [Fact]
    public async Task a_snoozed_alert_is_recorded_as_snoozed_and_never_claimed()
    {
        var ws = TestEvents.NewWorkspace();
        var until = new DateTimeOffset(2026, 3, 1, 13, 0, 0, TimeSpan.Zero);
        Assert.True(await Outbox.EnqueueAsync(TestEvents.Alert(ws, "snoozed-" + ws) with { SnoozedUntil = until }, CancellationToken.None));

        Assert.DoesNotContain(await Outbox.ClaimDueAsync(100, Now.AddDays(1), Lease, CancellationToken.None), e => e.Alert.Workspace == ws);
        var entry = Assert.Single(await Outbox.QueryAsync(new AlertQuery(ws, Status: AlertDeliveryStatus.Snoozed), CancellationToken.None));
        Assert.Equal(until, entry.Alert.SnoozedUntil);
    }

    [Fact]
    public async Task query_filters_by_rule_owner_and_firing_time()
    {
        var ws = TestEvents.NewWorkspace();
        var t = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
        await Outbox.EnqueueAsync(TestEvents.Alert(ws, "f1") with { Rule = "spike-a", Owner = "ada@vendor.example", FiredAt = t }, CancellationToken.None);
        await Outbox.EnqueueAsync(TestEvents.Alert(ws, "f2") with { Rule = "spike-b", Owner = "bob@vendor.example", FiredAt = t.AddHours(1) }, CancellationToken.None);
        await Outbox.EnqueueAsync(TestEvents.Alert(ws, "f3") with { Rule = "spike-a", Owner = "bob@vendor.example", FiredAt = t.AddHours(2) }, CancellationToken.None);
        // No rule id (alerts from before rules were data): its rule is its signal.
        await Outbox.EnqueueAsync(TestEvents.Alert(ws, "f4", signal: "payment_failed") with { FiredAt = t.AddHours(3) }, CancellationToken.None);

        async Task<IEnumerable<string>> Ids(AlertQuery query) => (await Outbox.QueryAsync(query, CancellationToken.None)).Select(e => e.Alert.AlertId);

        Assert.Equal(["f3", "f1"], await Ids(new AlertQuery(ws, Rule: "spike-a")));
        Assert.Equal(["f4"], await Ids(new AlertQuery(ws, Rule: "payment_failed")));
        Assert.Equal(["f3", "f2"], await Ids(new AlertQuery(ws, Owner: "bob@vendor.example")));
        Assert.Equal(["f3", "f2"], await Ids(new AlertQuery(ws, Since: t.AddHours(1), Until: t.AddHours(3))));
        Assert.Equal(["f3"], await Ids(new AlertQuery(ws, Rule: "spike-a", Owner: "bob@vendor.example", Since: t.AddMinutes(1))));
    }

    [Fact]
    public async Task an_enqueue_wakes_a_waiting_worker()
    {
        var wait = Outbox.WaitForWorkAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

        await Outbox.EnqueueAsync(TestEvents.Alert(TestEvents.NewWorkspace(), "wake"), CancellationToken.None);

        Assert.Same(wait, await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(10))));
    }
    private static Alert Delivery(string workspace, string id, string destination, string pipeline = "handbook") => TestEvents.Alert(workspace, id, signal: AlertSignals.Pipeline) with
    {
        Rule = pipeline,
        Destination = destination,
        DestinationId = destination + "-1",
        Channel = destination == PipelineDestinationTypes.Slack ? "#ada-alerts" : null,
        WebhookUrl = destination == PipelineDestinationTypes.Webhook ? "https://crm.example/in" : null,
        Body = destination == PipelineDestinationTypes.Webhook ? """{"type":"pipeline.event"}""" : null,
    };

    [Fact]
    public async Task each_destination_s_claim_takes_only_its_own_rows()
    {
        var ws = TestEvents.NewWorkspace();
        await Outbox.EnqueueAsync(TestEvents.Alert(ws, "rule-alert"), CancellationToken.None);
        await Outbox.EnqueueAsync(Delivery(ws, "to-slack", PipelineDestinationTypes.Slack), CancellationToken.None);
        await Outbox.EnqueueAsync(Delivery(ws, "to-hook-1", PipelineDestinationTypes.Webhook), CancellationToken.None);
        await Outbox.EnqueueAsync(Delivery(ws, "to-hook-2", PipelineDestinationTypes.Webhook), CancellationToken.None);
        var now = Now;

        var hooks = await SecondWorker.ClaimDueAsync(10, now, Lease, CancellationToken.None, PipelineDestinationTypes.Webhook);
        var slack = await Outbox.ClaimDueAsync(10, now, Lease, CancellationToken.None);

        Assert.Equal(["to-hook-1", "to-hook-2"], hooks.Select(e => e.Alert.AlertId).Order());
        Assert.All(hooks, e => Assert.Equal(("https://crm.example/in", """{"type":"pipeline.event"}"""), (e.Alert.WebhookUrl, e.Alert.Body)));
        Assert.Equal(["rule-alert", "to-slack"], slack.Select(e => e.Alert.AlertId).Order());
        Assert.All(slack, e => Assert.Equal(PipelineDestinationTypes.Slack, e.Alert.Destination));

        // Once every lease has run out, a webhook row due for its retry is still never the Slack worker's.
        await Outbox.CompleteAttemptAsync("to-hook-1", new DeliveryOutcome(AlertDeliveryStatus.Retrying, null, now + TimeSpan.FromSeconds(5), Error: "HTTP 500"), CancellationToken.None);
        var later = now + Lease + TimeSpan.FromMinutes(1);
        Assert.Equal(["rule-alert", "to-slack"], (await Outbox.ClaimDueAsync(10, later, Lease, CancellationToken.None)).Select(e => e.Alert.AlertId).Order());
        var retried = await Outbox.ClaimDueAsync(10, later, Lease, CancellationToken.None, PipelineDestinationTypes.Webhook);
        Assert.Equal(["to-hook-1", "to-hook-2"], retried.Select(e => e.Alert.AlertId).Order());
        var retry = Assert.Single(retried, e => e.Alert.AlertId == "to-hook-1");
        Assert.Equal((AlertDeliveryStatus.Retrying, 1, "HTTP 500"), (retry.Status, retry.Attempts, retry.Error));
    }

    [Fact]
    public async Task count_by_status_counts_one_pipeline_s_rows_in_one_workspace()
    {
        var ws = TestEvents.NewWorkspace();
        foreach (var id in new[] { "sent-1", "sent-2", "failed", "retrying", "pending" })
        {
            await Outbox.EnqueueAsync(Delivery(ws, id, PipelineDestinationTypes.Webhook), CancellationToken.None);
        }

        await Outbox.EnqueueAsync(Delivery(ws, "other-pipeline", PipelineDestinationTypes.Webhook, pipeline: "other"), CancellationToken.None);
        await Outbox.EnqueueAsync(Delivery(TestEvents.NewWorkspace(), "other-workspace", PipelineDestinationTypes.Webhook), CancellationToken.None);
        var now = Now;
        await Outbox.ClaimDueAsync(100, now, Lease, CancellationToken.None, PipelineDestinationTypes.Webhook);
        await Outbox.CompleteAttemptAsync("sent-1", new DeliveryOutcome(AlertDeliveryStatus.Sent, null), CancellationToken.None);
        await Outbox.CompleteAttemptAsync("sent-2", new DeliveryOutcome(AlertDeliveryStatus.Sent, null), CancellationToken.None);
        await Outbox.CompleteAttemptAsync("failed", new DeliveryOutcome(AlertDeliveryStatus.Failed, null, Error: "HTTP 400"), CancellationToken.None);
        await Outbox.CompleteAttemptAsync("retrying", new DeliveryOutcome(AlertDeliveryStatus.Retrying, null, now + TimeSpan.FromMinutes(5)), CancellationToken.None);

        var counts = await Outbox.CountByStatusAsync(ws, "handbook", CancellationToken.None);

        Assert.Equal(
            [(AlertDeliveryStatus.Pending, 1L), (AlertDeliveryStatus.Retrying, 1L), (AlertDeliveryStatus.Sent, 2L), (AlertDeliveryStatus.Failed, 1L)],
            counts.OrderBy(c => c.Key).Select(c => (c.Key, c.Value)));
        Assert.Equal(1L, Assert.Single(await Outbox.CountByStatusAsync(ws, "other", CancellationToken.None)).Value);
        Assert.Empty(await Outbox.CountByStatusAsync(ws, "no-such-pipeline", CancellationToken.None));
    }
}
