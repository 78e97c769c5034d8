using IngestLayer.Contracts;
using IngestLayer.Storage;

namespace IngestLayer.GrainTests;

/// <summary>
/// Rebuilding an account from the stored log (durable mode): the live state again, nothing sent for the past,
/// and events in flight neither lost nor counted twice.
/// </summary>
public sealed class RebuildTests(DurableFlushCluster fixture) : IClassFixture<DurableFlushCluster>
{
    private const string Origin = "host-a";

    private static RuleDefinition Reports(int value) => new()
    {
        Id = "reports",
        Kind = RuleKinds.Threshold,
        Parameters = new RuleParameters { Event = "report exported", Window = "24h", Operator = ">=", Value = value },
        Severity = RuleSeverities.Warning,
    };

    [Fact]
    public async Task a_rebuild_reproduces_the_live_state_and_keeps_the_owner_and_snoozes()
    {
        var (ws, acme) = (NewWorkspace(), GrainTestEvents.NewId("acme"));
        var e = new GrainTestEvents(DateTimeOffset.UtcNow.AddHours(-2));
        var account = Account(ws, acme);
        await LiveAsync(ws, acme,
        [
            e.Group("u1", acme, ("name", "Acme Inc"), ("plan", "pro")),
            e.Track("u1", "report exported", acme), e.Track("u2", "feature.used", acme, feature: "csv.export"),
            e.Track("u1", "report exported"), // names no account: u1's latest is acme, as the user grain resolves it
            e.Track("u3", "dashboard viewed", acme, at: DateTimeOffset.UtcNow.AddDays(-3)),
        ]);
        await account.AssignOwnerAsync(new OwnerAssignment("ada@vendor.example", "#ada"));
        var snoozeUntil = DateTimeOffset.UtcNow.AddHours(4);
        await account.SnoozeAsync("reports", snoozeUntil);
        var live = (await account.GetSnapshotAsync())!;

        var result = await account.RebuildAsync();

        var rebuilt = (await account.GetSnapshotAsync())!;
        Assert.Equal(AccountRebuildOutcome.Rebuilt, result.Outcome);
        Assert.Equal((5L, 5L, 5L, 3, 3), (result.EventsReplayed, result.EventsAppliedBefore, result.EventsAppliedAfter, result.MembersBefore, result.MembersAfter));
        Assert.Equal(live.EventsApplied, rebuilt.EventsApplied);
        Assert.Equal(live.Events, rebuilt.Events);
        Assert.Equal(live.Features, rebuilt.Features);
        Assert.Equal(live.ActiveUsers, rebuilt.ActiveUsers);
        Assert.Equal((live.Members, live.FirstSeen, live.LastSeen), (rebuilt.Members, rebuilt.FirstSeen, rebuilt.LastSeen));
        Assert.Equal((live.Profile.Name, live.Profile.Plan, "ada@vendor.example", "#ada"), (rebuilt.Profile.Name, rebuilt.Profile.Plan, rebuilt.Profile.Owner, rebuilt.Profile.SlackChannel));
        Assert.Equal(snoozeUntil, rebuilt.Snoozes["reports"]);
        Assert.Equal(2, rebuilt.Events["report exported"].Last24Hours);
        // Written at once, not on the next flush tick.
        Assert.Equal(5L, fixture.Storage.WritesOf(GrainKeys.Account(ws, acme))[^1]);
    }

    [Fact]
    public async Task a_rule_the_past_crosses_fires_nothing_on_rebuild_nor_on_the_next_batch_while_it_still_holds()
    {
        var (ws, acme) = (NewWorkspace(), GrainTestEvents.NewId("acme"));
        var e = new GrainTestEvents(DateTimeOffset.UtcNow.AddMinutes(-30));
        var account = Account(ws, acme);
        var rules = fixture.Cluster.Client.GetGrain<IWorkspaceRulesGrain>(GrainKeys.Rules(ws));
        await rules.SaveAsync(Reports(10), WriteMode.Create, null);
        await LiveAsync(ws, acme, [.. Enumerable.Range(0, 4).Select(i => e.Track("u" + i, "report exported", acme))]);
        Assert.Empty(await AlertsAsync(ws, acme)); // 4 of 10: nothing live

        // The rule changes so that the past crosses it; a rebuild replays the past through it.
        await rules.SaveAsync(Reports(3), WriteMode.Replace, 1);
        var result = await account.RebuildAsync();

        Assert.Equal(1, result.AlertsSuppressed);
        Assert.Equal(["reports"], result.RulesHolding);
        Assert.Empty(await AlertsAsync(ws, acme));
        Assert.Empty((await account.GetSnapshotAsync())!.RecentAlerts);

        // Still crossed (5 >= 3): latched, so the next live batch fires nothing either.
        await LiveAsync(ws, acme, [e.Track("u9", "report exported", acme)]);
        Assert.Empty(await AlertsAsync(ws, acme));
        Assert.Equal(5, (await account.GetSnapshotAsync())!.EventsApplied);
    }

    [Fact]
    public async Task events_stored_before_the_rebuild_and_delivered_after_it_are_skipped_and_later_ones_apply_once()
    {
        var (ws, acme) = (NewWorkspace(), GrainTestEvents.NewId("acme"));
        var e = new GrainTestEvents(DateTimeOffset.UtcNow.AddMinutes(-10));
        var account = Account(ws, acme);
        await LiveAsync(ws, acme, [e.Track("u1", "report exported", acme), e.Track("u2", "report exported", acme)]);
        // In flight: stored, but the dispatcher has not delivered it when the rebuild reads the log.
        var inFlight = await AppendAsync(ws, [e.Track("u3", "report exported", acme), e.Track("u1", "report exported")]);

        var result = await account.RebuildAsync();
        await account.ApplyAsync(new EventBatch([.. inFlight], Origin)); // the dispatcher catches up

        Assert.Equal((4L, 2L, 4L), (result.EventsReplayed, result.EventsAppliedBefore, result.EventsAppliedAfter));
        Assert.Equal(4, (await account.GetSnapshotAsync())!.EventsApplied);

        var later = await AppendAsync(ws, [e.Track("u4", "report exported", acme)]);
        await account.ApplyAsync(new EventBatch([.. later], Origin));
        await account.ApplyAsync(new EventBatch([.. later], Origin)); // redelivered after a crash
        var after = (await account.GetSnapshotAsync())!;
        Assert.Equal(5, after.EventsApplied);
        Assert.Equal(5, after.Events["report exported"].Last24Hours);
        Assert.Equal(4, after.Members);
    }

    [Fact]
    public async Task an_account_with_no_stored_events_is_left_alone()
    {
        var (ws, acme) = (NewWorkspace(), GrainTestEvents.NewId("acme"));
        var account = Account(ws, acme);
        await account.AssignOwnerAsync(new OwnerAssignment("ada@vendor.example", "#ada"));

        var result = await account.RebuildAsync();

        Assert.Equal(AccountRebuildResult.NotRebuilt(AccountRebuildOutcome.NoStoredEvents) with { RulesHolding = result.RulesHolding }, result);
        Assert.Empty(result.RulesHolding);
        Assert.Equal("ada@vendor.example", (await account.GetSnapshotAsync())!.Profile.Owner);
    }

    private IAccountGrain Account(string ws, string id) => fixture.Cluster.Client.GetGrain<IAccountGrain>(GrainKeys.Account(ws, id));

    private static string NewWorkspace() => "ws_" + Guid.NewGuid().ToString("N")[..10];

    private async Task<IReadOnlyList<IngestEvent>> AppendAsync(string ws, IngestEvent[] events)
    {
        fixture.Log.Origin = Origin;
        return await fixture.Log.AppendAsync([.. events.Select(x => x with { Workspace = ws })], CancellationToken.None);
    }

    // Stores the events and hands them to the account as the dispatcher would: account-less ones resolved to it.
    private async Task LiveAsync(string ws, string accountId, IngestEvent[] events)
    {
        var stored = await AppendAsync(ws, events);
        await Account(ws, accountId).ApplyAsync(new EventBatch([.. stored.Select(x => x.AccountId is null ? x with { AccountId = accountId } : x)], Origin));
    }

    private async Task<IReadOnlyList<OutboxEntry>> AlertsAsync(string ws, string account) =>
        await fixture.Outbox.QueryAsync(new AlertQuery(ws, account), CancellationToken.None);
}
