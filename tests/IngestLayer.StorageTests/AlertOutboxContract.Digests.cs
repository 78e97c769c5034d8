using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

/// <summary>The owner-digest half of the outbox contract: holding, opening a day's digest once, claiming and completing it.</summary>
public abstract partial class AlertOutboxContract
{
    private const string Owner = "ada@vendor.example";
    private static readonly DateOnly Day = new(2026, 3, 29);

    [Fact]
    public async Task a_held_alert_is_never_claimed_and_its_owner_is_listed()
    {
        var ws = TestEvents.NewWorkspace();
        var now = Now;
        await HoldAsync(ws, now, "held-1");

        Assert.Empty(await SecondWorker.ClaimDueAsync(10, now + TimeSpan.FromHours(1), Lease, CancellationToken.None));
        var entry = Assert.Single(await Outbox.QueryAsync(new AlertQuery(ws, Status: AlertDeliveryStatus.HeldForDigest), CancellationToken.None));
        Assert.Equal((AlertDeliveryStatus.HeldForDigest, 0), (entry.Status, entry.Attempts));
        Assert.Contains(new WorkspaceOwner(ws, Owner), await Outbox.ListHeldOwnersAsync(CancellationToken.None));
    }

    [Fact]
    public async Task a_days_digest_opens_once_with_the_alerts_held_before_it_was_due()
    {
        var ws = TestEvents.NewWorkspace();
        var dueAt = Now;
        await HoldAsync(ws, dueAt - TimeSpan.FromHours(2), "early-1", "early-2");
        await HoldAsync(ws, dueAt + TimeSpan.FromSeconds(1), "after-due");
        var key = new OwnerDigestKey(ws, Owner, Day);

        var opened = await Outbox.OpenDigestAsync(key, dueAt, dueAt + TimeSpan.FromSeconds(5), Lease, CancellationToken.None);
        var again = await SecondWorker.OpenDigestAsync(key, dueAt, dueAt + TimeSpan.FromSeconds(6), Lease, CancellationToken.None);

        Assert.NotNull(opened);
        Assert.Equal(["early-1", "early-2"], opened.Alerts.Select(e => e.Alert.AlertId).Order());
        Assert.Null(again);

        // The alert held after the due time waits for the next day's digest.
        var next = await SecondWorker.OpenDigestAsync(key with { LocalDate = Day.AddDays(1) }, dueAt + TimeSpan.FromDays(1), dueAt + TimeSpan.FromDays(1), Lease, CancellationToken.None);
        Assert.Equal(["after-due"], next!.Alerts.Select(e => e.Alert.AlertId));
    }

    [Fact]
    public async Task two_workers_opening_the_same_digest_at_once_open_it_once()
    {
        var ws = TestEvents.NewWorkspace();
        var dueAt = Now;
        await HoldAsync(ws, dueAt - TimeSpan.FromMinutes(5), [.. Enumerable.Range(0, 20).Select(i => $"race-held-{i}")]);
        var key = new OwnerDigestKey(ws, Owner, Day);

        var opened = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            await (i % 2 == 0 ? Outbox : SecondWorker).OpenDigestAsync(key, dueAt, dueAt, Lease, CancellationToken.None))));

        var winner = Assert.Single(opened, d => d is not null);
        Assert.Equal(20, winner!.Alerts.Count);
        Assert.DoesNotContain(new WorkspaceOwner(ws, Owner), await Outbox.ListHeldOwnersAsync(CancellationToken.None));
    }

    [Fact]
    public async Task nothing_held_opens_no_digest()
    {
        var ws = TestEvents.NewWorkspace();

        Assert.Null(await Outbox.OpenDigestAsync(new OwnerDigestKey(ws, Owner, Day), Now, Now, Lease, CancellationToken.None));
    }

    [Fact]
    public async Task a_sent_digest_marks_its_alerts_digested_with_the_message_ts()
    {
        var ws = TestEvents.NewWorkspace();
        var dueAt = Now;
        await HoldAsync(ws, dueAt - TimeSpan.FromMinutes(1), "d-1", "d-2");
        var key = new OwnerDigestKey(ws, Owner, Day);
        await Outbox.OpenDigestAsync(key, dueAt, dueAt, Lease, CancellationToken.None);

        await Outbox.CompleteDigestAsync(key, new DeliveryOutcome(AlertDeliveryStatus.Sent, "#ada-digest", SlackTs: "1700000000.000100"), CancellationToken.None);

        var entries = await Outbox.QueryAsync(new AlertQuery(ws), CancellationToken.None);
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal(
            (AlertDeliveryStatus.Digested, 1, "#ada-digest", "1700000000.000100", true),
            (e.Status, e.Attempts, e.Channel, e.SlackTs, e.DeliveredAt is not null)));
        Assert.Empty(await Outbox.ClaimDueDigestsAsync(10, dueAt + TimeSpan.FromHours(1), Lease, CancellationToken.None));
        Assert.Null(await SecondWorker.OpenDigestAsync(key, dueAt, dueAt + TimeSpan.FromHours(1), Lease, CancellationToken.None));
    }

    [Fact]
    public async Task a_retried_digest_is_claimed_again_when_due_with_its_alerts_still_held()
    {
        var ws = TestEvents.NewWorkspace();
        var dueAt = DatabaseTime(Now);
        await HoldAsync(ws, dueAt - TimeSpan.FromMinutes(1), "r-1");
        var key = new OwnerDigestKey(ws, Owner, Day);
        await Outbox.OpenDigestAsync(key, dueAt, dueAt, Lease, CancellationToken.None);
        var retryAt = dueAt + TimeSpan.FromSeconds(30);

        await Outbox.CompleteDigestAsync(key, new DeliveryOutcome(AlertDeliveryStatus.Retrying, "#ada-alerts", retryAt, Error: "ratelimited"), CancellationToken.None);

        var held = Assert.Single(await Outbox.QueryAsync(new AlertQuery(ws), CancellationToken.None));
        Assert.Equal((AlertDeliveryStatus.HeldForDigest, "ratelimited"), (held.Status, held.Error));
        Assert.DoesNotContain(await SecondWorker.ClaimDueDigestsAsync(10, retryAt - TimeSpan.FromSeconds(1), Lease, CancellationToken.None), d => d.Key == key);
        var claimed = Assert.Single(await SecondWorker.ClaimDueDigestsAsync(10, retryAt, Lease, CancellationToken.None), d => d.Key == key);
        Assert.Equal((1, dueAt, "r-1"), (claimed.Attempts, claimed.DueAt, Assert.Single(claimed.Alerts).Alert.AlertId));
        Assert.DoesNotContain(await Outbox.ClaimDueDigestsAsync(10, retryAt, Lease, CancellationToken.None), d => d.Key == key);
    }

    [Fact]
    public async Task a_digest_whose_worker_stopped_is_claimed_by_another_after_the_lease()
    {
        var ws = TestEvents.NewWorkspace();
        var dueAt = Now;
        await HoldAsync(ws, dueAt - TimeSpan.FromMinutes(1), "crashed-1");
        var key = new OwnerDigestKey(ws, Owner, Day);
        await Outbox.OpenDigestAsync(key, dueAt, dueAt, Lease, CancellationToken.None);

        Assert.DoesNotContain(await SecondWorker.ClaimDueDigestsAsync(10, dueAt + Lease - TimeSpan.FromSeconds(1), Lease, CancellationToken.None), d => d.Key == key);
        var claimed = Assert.Single(await SecondWorker.ClaimDueDigestsAsync(10, dueAt + Lease, Lease, CancellationToken.None), d => d.Key == key);
        Assert.Equal(["crashed-1"], claimed.Alerts.Select(e => e.Alert.AlertId));
    }

    [Fact]
    public async Task a_refused_digest_fails_its_alerts_and_a_retried_one_is_held_again_for_the_next_digest()
    {
        var ws = TestEvents.NewWorkspace();
        var dueAt = Now;
        await HoldAsync(ws, dueAt - TimeSpan.FromMinutes(1), "f-1");
        var key = new OwnerDigestKey(ws, Owner, Day);
        await Outbox.OpenDigestAsync(key, dueAt, dueAt, Lease, CancellationToken.None);

        await Outbox.CompleteDigestAsync(key, new DeliveryOutcome(AlertDeliveryStatus.Failed, "#gone", Error: "channel_not_found", Hint: "Invite the bot."), CancellationToken.None);
        var failed = Assert.Single(await Outbox.QueryAsync(new AlertQuery(ws), CancellationToken.None));
        Assert.Equal((AlertDeliveryStatus.Failed, "channel_not_found", "Invite the bot."), (failed.Status, failed.Error, failed.Hint));

        Assert.Equal(RequeueResult.Requeued, await Outbox.RequeueAsync("f-1", CancellationToken.None));
        var claimed = Assert.Single(await Outbox.ClaimDueAsync(10, Now, Lease, CancellationToken.None));
        await Outbox.HoldForDigestAsync(claimed.Alert.AlertId, Now, CancellationToken.None);
        var next = await Outbox.OpenDigestAsync(key with { LocalDate = Day.AddDays(1) }, Now + TimeSpan.FromSeconds(1), Now + TimeSpan.FromSeconds(1), Lease, CancellationToken.None);
        Assert.Equal(["f-1"], next!.Alerts.Select(e => e.Alert.AlertId));
    }

    [Fact]
    public async Task released_alerts_are_pending_and_claimable_again()
    {
        var ws = TestEvents.NewWorkspace();
        var now = Now;
        await HoldAsync(ws, now, "rel-1", "rel-2");

        Assert.Equal(2, await Outbox.ReleaseHeldAsync(new WorkspaceOwner(ws, Owner), now, CancellationToken.None));

        Assert.Equal(["rel-1", "rel-2"], (await SecondWorker.ClaimDueAsync(10, now, Lease, CancellationToken.None)).Select(e => e.Alert.AlertId).Order());
        Assert.DoesNotContain(new WorkspaceOwner(ws, Owner), await Outbox.ListHeldOwnersAsync(CancellationToken.None));
    }

    // PostgreSQL keeps microseconds; a time read back is compared with one it can hold exactly.
    private static DateTimeOffset DatabaseTime(DateTimeOffset time) => time.AddTicks(-(time.Ticks % 10));

    // Enqueues, claims and holds each alert at heldAt, as the delivery worker does for an owner in daily_digest mode.
    private async Task HoldAsync(string workspace, DateTimeOffset heldAt, params string[] ids)
    {
        foreach (var id in ids)
        {
            await Outbox.EnqueueAsync(TestEvents.Alert(workspace, id), CancellationToken.None);
        }

        var claimed = await Outbox.ClaimDueAsync(ids.Length, Now, Lease, CancellationToken.None);
        Assert.Equal(ids.Order(), claimed.Select(e => e.Alert.AlertId).Order());
        foreach (var entry in claimed)
        {
            await Outbox.HoldForDigestAsync(entry.Alert.AlertId, heldAt, CancellationToken.None);
        }
    }
}
