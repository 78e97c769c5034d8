using IngestLayer.Contracts;
using IngestLayer.Grains.Signals;
using IngestLayer.Storage;

namespace IngestLayer.GrainTests;

/// <summary>Rules as data on the cluster: the rules grain, and account grains picking up its changes.</summary>
[Collection(ClusterCollection.Name)]
public class RulesGrainTests(ClusterFixture fixture)
{
    // Each test in a workspace of its own, so the rules it stores touch no other test's accounts.
    private static string NewWorkspace() => "ws_" + Guid.NewGuid().ToString("N")[..10];

    private IWorkspaceRulesGrain Rules(string workspace) => fixture.Grains.GetGrain<IWorkspaceRulesGrain>(GrainKeys.Rules(workspace));

    private IAccountGrain Account(string workspace, string id) => fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account(workspace, id));

    private static RuleDefinition Threshold(string id = "many-reports", bool enabled = true) => new()
    {
        Id = id,
        Kind = RuleKinds.Threshold,
        Parameters = new RuleParameters { Event = "report exported", Window = "24h", Operator = ">=", Value = 3 },
        Severity = RuleSeverities.Warning,
        Cooldown = TimeSpan.FromHours(1),
        Enabled = enabled,
    };

    private IngestEvent[] Events(string workspace, string account, int n, string name = "report exported", string? feature = null) =>
        [.. Enumerable.Range(0, n).Select(_ => new GrainTestEvents(fixture.Time.GetUtcNow()).Track("u-" + account, name, account, feature) with { Workspace = workspace })];

    private async Task<IReadOnlyList<OutboxEntry>> AlertsAsync(string workspace, string account) =>
        await fixture.Outbox.QueryAsync(new AlertQuery(workspace, account), CancellationToken.None);

    [Fact]
    public async Task a_workspace_without_stored_rules_runs_on_the_set_seeded_from_the_signals_configuration()
    {
        var set = await Rules(NewWorkspace()).GetAsync();

        Assert.True(set.IsDefault);
        Assert.Equal([SignalNames.PaidFeatureOnFreePlan, SignalNames.PaymentFailed], set.Rules.Select(r => r.Id));
        Assert.Equal(["csv.export", "api.access"], set.Rules[0].Parameters.Features!);
        Assert.Equal(["free"], set.Rules[0].Parameters.Plans!);
        Assert.Equal((TimeSpan.FromHours(24), 0), (set.Rules[1].Cooldown, set.Rules[1].Version));
    }

    [Fact]
    public async Task a_rule_added_applies_to_the_next_batch_and_the_seeded_rules_stay()
    {
        var (ws, acme) = (NewWorkspace(), GrainTestEvents.NewId("acme"));
        await Account(ws, acme).ApplyAsync(new EventBatch(Events(ws, acme, 2)));

        var saved = await Rules(ws).SaveAsync(Threshold(), WriteMode.Create, expectedVersion: null);
        await Account(ws, acme).ApplyAsync(new EventBatch(Events(ws, acme, 1)));

        Assert.Equal((SaveOutcome.Saved, 1), (saved.Outcome, saved.Document!.Version));
        var set = await Rules(ws).GetAsync();
        Assert.False(set.IsDefault);
        Assert.Equal(["many-reports", SignalNames.PaidFeatureOnFreePlan, SignalNames.PaymentFailed], set.Rules.Select(r => r.Id));
        var alert = Assert.Single(await AlertsAsync(ws, acme)).Alert;
        Assert.Equal(("many-reports", RuleKinds.Threshold, "warning"), (alert.Rule, alert.Signal, alert.Severity));
        Assert.Contains(new EvidenceItem("Count (24h)", "3"), alert.Evidence);

        // The seeded paid-feature rule still fires.
        await Account(ws, acme).ApplyAsync(new EventBatch([.. Events(ws, acme, 1, "feature.used", "csv.export").Select(e => e with { Plan = "free" })]));
        Assert.Contains(await AlertsAsync(ws, acme), a => a.Alert.Rule == SignalNames.PaidFeatureOnFreePlan);
    }

    [Fact]
    public async Task a_disabled_rule_stops_firing_and_a_deleted_one_is_gone()
    {
        var (ws, acme, globex) = (NewWorkspace(), GrainTestEvents.NewId("acme"), GrainTestEvents.NewId("globex"));
        await Rules(ws).SaveAsync(Threshold(), WriteMode.Create, null);

        var disabled = await Rules(ws).SaveAsync(Threshold(enabled: false), WriteMode.Replace, expectedVersion: 1);
        await Account(ws, acme).ApplyAsync(new EventBatch(Events(ws, acme, 5)));

        Assert.Equal((SaveOutcome.Saved, 2), (disabled.Outcome, disabled.Document!.Version));
        Assert.Empty(await AlertsAsync(ws, acme));

        Assert.Equal(SaveOutcome.Saved, (await Rules(ws).DeleteAsync("many-reports")).Outcome);
        Assert.Equal(SaveOutcome.NotFound, (await Rules(ws).DeleteAsync("many-reports")).Outcome);
        await Account(ws, globex).ApplyAsync(new EventBatch(Events(ws, globex, 5)));
        Assert.Empty(await AlertsAsync(ws, globex));
        Assert.DoesNotContain((await Rules(ws).GetAsync()).Rules, r => r.Id == "many-reports");
    }

    [Fact]
    public async Task a_stale_expected_version_is_refused()
    {
        var ws = NewWorkspace();
        await Rules(ws).SaveAsync(Threshold(), WriteMode.Create, null);
        await Rules(ws).SaveAsync(Threshold(), WriteMode.Replace, null);

        var stale = await Rules(ws).SaveAsync(Threshold(enabled: false), WriteMode.Replace, expectedVersion: 1);

        Assert.Equal((SaveOutcome.VersionMismatch, 2), (stale.Outcome, stale.Document!.Version));
        Assert.True(Assert.Single((await Rules(ws).GetAsync()).Rules, r => r.Id == "many-reports").Enabled);
    }

    [Fact]
    public async Task changing_a_default_rule_stores_the_default_set_first()
    {
        var ws = NewWorkspace();
        var payment = (await Rules(ws).GetAsync()).Rules.Single(r => r.Id == SignalNames.PaymentFailed);

        // The caller read version 0 (the default set is not stored yet): that is the version it changes.
        var saved = await Rules(ws).SaveAsync(payment with { Cooldown = TimeSpan.FromDays(3) }, WriteMode.Replace, expectedVersion: 0);

        Assert.Equal((SaveOutcome.Saved, 2), (saved.Outcome, saved.Document!.Version));
        var stored = await fixture.RuleStore.ListAsync(ws, CancellationToken.None);
        Assert.Equal([(SignalNames.PaidFeatureOnFreePlan, 1), (SignalNames.PaymentFailed, 2)], stored!.Select(r => (r.Id, r.Version)));
    }

    [Fact]
    public async Task an_inactivity_rule_fires_from_the_schedule_after_the_account_goes_quiet()
    {
        var (ws, acme) = (NewWorkspace(), GrainTestEvents.NewId("acme"));
        await Rules(ws).SaveAsync(
            new RuleDefinition { Id = "quiet", Kind = RuleKinds.Inactivity, Parameters = new RuleParameters { Days = 3 }, Severity = RuleSeverities.Warning },
            WriteMode.Create,
            null);
        await Account(ws, acme).ApplyAsync(new EventBatch(Events(ws, acme, 1, "dashboard viewed")));
        await Account(ws, acme).EvaluateScheduledAsync();
        Assert.Empty(await AlertsAsync(ws, acme));

        fixture.Time.Advance(TimeSpan.FromDays(3));
        await Account(ws, acme).EvaluateScheduledAsync();
        await Account(ws, acme).EvaluateScheduledAsync();

        var alert = Assert.Single(await AlertsAsync(ws, acme)).Alert;
        Assert.Equal(("quiet", RuleKinds.Inactivity), (alert.Rule, alert.Signal));
        Assert.Contains(new EvidenceItem("Days inactive", "3"), alert.Evidence);
    }

    [Fact]
    public async Task a_snoozed_account_records_its_alerts_as_snoozed_and_shows_the_snooze()
    {
        var (ws, acme) = (NewWorkspace(), GrainTestEvents.NewId("acme"));
        var until = fixture.Time.GetUtcNow().AddHours(4);
        await Account(ws, acme).SnoozeAsync(null, until);

        await Account(ws, acme).ApplyAsync(new EventBatch(Events(ws, acme, 1, BillingEvents.InvoicePaymentFailed)));

        var entry = Assert.Single(await AlertsAsync(ws, acme));
        Assert.Equal((AlertDeliveryStatus.Snoozed, until), (entry.Status, entry.Alert.SnoozedUntil));
        var snapshot = await Account(ws, acme).GetSnapshotAsync();
        Assert.Equal(until, snapshot!.Snoozes["*"]);
    }
}
