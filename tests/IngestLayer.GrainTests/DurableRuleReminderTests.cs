using IngestLayer.Contracts;
using IngestLayer.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace IngestLayer.GrainTests;

/// <summary>Durable mode: time-based rules run on a reminder, so they reach accounts whose grain is not active.</summary>
public sealed class DurableRuleReminderTests(DurableFlushCluster fixture) : IClassFixture<DurableFlushCluster>
{
    private static readonly RuleDefinition Quiet = new()
    {
        Id = "quiet",
        Kind = RuleKinds.Inactivity,
        Parameters = new RuleParameters { Days = 1 },
        Severity = RuleSeverities.Warning,
    };

    private IServiceProvider Silo => fixture.Cluster.Silos[0].ServiceProvider;

    private static string NewWorkspace() => "ws_" + Guid.NewGuid().ToString("N")[..10];

    private IAccountGrain Account(string workspace, string id) => fixture.Cluster.Client.GetGrain<IAccountGrain>(GrainKeys.Account(workspace, id));

    private IWorkspaceRulesGrain Rules(string workspace) => fixture.Cluster.Client.GetGrain<IWorkspaceRulesGrain>(GrainKeys.Rules(workspace));

    private async Task<List<string>> RemindersAsync(IAccountGrain account) =>
        [.. (await Silo.GetRequiredService<IReminderTable>().ReadRows(account.GetGrainId())).Reminders.Select(r => r.ReminderName)];

    // An event from two days ago: the account is already quiet for a day when the rule is looked at.
    private static EventBatch OldActivity(string workspace, string account) => new(
    [
        new IngestEvent
        {
            Workspace = workspace,
            Source = "test",
            MessageId = Guid.NewGuid().ToString("N"),
            Kind = EventKind.Track,
            Name = "dashboard viewed",
            UserId = "u1",
            AccountId = account,
            Timestamp = DateTimeOffset.UtcNow.AddDays(-2),
            ReceivedAt = DateTimeOffset.UtcNow,
        },
    ]);

    [Fact]
    public async Task an_account_of_a_workspace_with_a_time_based_rule_registers_one_reminder()
    {
        var (ws, other) = (NewWorkspace(), NewWorkspace());
        await Rules(ws).SaveAsync(Quiet, WriteMode.Create, null);
        var account = Account(ws, "acme");
        var plain = Account(other, "acme");

        await account.ApplyAsync(OldActivity(ws, "acme"));
        await account.ApplyAsync(OldActivity(ws, "acme"));
        await plain.ApplyAsync(OldActivity(other, "acme"));

        Assert.Equal(["rules"], await RemindersAsync(account));
        Assert.Empty(await RemindersAsync(plain)); // the default rules have no time-based kind
    }

    [Fact]
    public async Task the_reminder_evaluates_an_account_whose_grain_was_deactivated()
    {
        var ws = NewWorkspace();
        var account = Account(ws, "acme");
        await account.ApplyAsync(OldActivity(ws, "acme")); // before the rule exists: nothing fires
        await Rules(ws).SaveAsync(Quiet, WriteMode.Create, null);
        await fixture.Cluster.DeactivateAsync(account);
        await fixture.Cluster.WaitForDeactivationAsync(account);

        // What the reminder service does on a tick: the call activates the grain from its stored state.
        await account.AsReference<IRemindable>().ReceiveReminder("rules", new TickStatus(DateTime.UtcNow, TimeSpan.FromHours(1), DateTime.UtcNow));

        var alert = Assert.Single(await Silo.GetRequiredService<IAlertOutbox>().QueryAsync(new AlertQuery(ws), CancellationToken.None)).Alert;
        Assert.Equal(("quiet", RuleKinds.Inactivity), (alert.Rule, alert.Signal));
        Assert.Contains(new EvidenceItem("Days inactive", "2"), alert.Evidence);
    }

    [Fact]
    public async Task a_reminder_for_a_workspace_without_time_based_rules_any_more_is_removed()
    {
        var ws = NewWorkspace();
        await Rules(ws).SaveAsync(Quiet, WriteMode.Create, null);
        var account = Account(ws, "acme");
        await account.ApplyAsync(OldActivity(ws, "acme"));
        Assert.Equal(["rules"], await RemindersAsync(account));

        await Rules(ws).DeleteAsync("quiet");
        await account.AsReference<IRemindable>().ReceiveReminder("rules", new TickStatus(DateTime.UtcNow, TimeSpan.FromHours(1), DateTime.UtcNow));

        Assert.Empty(await RemindersAsync(account));
    }
}
