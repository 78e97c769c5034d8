using IngestLayer.Contracts;
using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

/// <summary>What every <see cref="IRuleStore"/> must do; each test works in a workspace of its own.</summary>
public abstract class RuleStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    protected abstract IRuleStore Store { get; }

    protected static RuleDefinition Spike(string id = "spike", double factor = 3) => new()
    {
        Id = id,
        Kind = RuleKinds.UsageSpike,
        Parameters = new RuleParameters { Event = "report exported", Factor = factor, MinCount = 10 },
        Severity = RuleSeverities.Warning,
        Cooldown = TimeSpan.FromHours(36),
        Destination = "#growth",
        Enabled = false,
    };

    [Fact]
    public async Task a_workspace_that_never_stored_a_rule_has_no_rule_list()
    {
        Assert.Null(await Store.ListAsync(TestEvents.NewWorkspace(), CancellationToken.None));
    }

    [Fact]
    public async Task a_created_rule_is_version_1_and_comes_back_whole()
    {
        var ws = TestEvents.NewWorkspace();
        var paid = new RuleDefinition
        {
            Id = "paid",
            Kind = RuleKinds.PaidFeatureOnFreePlan,
            Parameters = new RuleParameters { Features = ["csv.export", "sso"], Plans = ["free"], MinCount = 2, WindowHours = 12 },
        };

        var created = await Store.SaveAsync(ws, Spike(), WriteMode.Create, null, T0, CancellationToken.None);
        await Store.SaveAsync(ws, paid, WriteMode.Create, null, T0, CancellationToken.None);

        Assert.Equal(new SaveResult<RuleDefinition>(SaveOutcome.Saved, Spike() with { Version = 1, UpdatedAt = T0 }), created);
        var listed = (await Store.ListAsync(ws, CancellationToken.None))!;
        Assert.Equal(["paid", "spike"], listed.Select(r => r.Id));
        Assert.Equal(Spike() with { Version = 1, UpdatedAt = T0 }, listed[1]);
        // Lists compare by reference in records: compare the paid rule's parameters item by item.
        Assert.Equal(["csv.export", "sso"], listed[0].Parameters.Features!);
        Assert.Equal((2L, 12), (listed[0].Parameters.MinCount!.Value, listed[0].Parameters.WindowHours!.Value));
        Assert.Equal((RuleSeverities.Info, TimeSpan.FromHours(24), true, (string?)null), (listed[0].Severity, listed[0].Cooldown, listed[0].Enabled, listed[0].Destination));
    }

    [Fact]
    public async Task creating_a_rule_that_exists_is_refused_with_the_existing_rule()
    {
        var ws = TestEvents.NewWorkspace();
        await Store.SaveAsync(ws, Spike(), WriteMode.Create, null, T0, CancellationToken.None);

        var again = await Store.SaveAsync(ws, Spike(factor: 5), WriteMode.Create, null, T0.AddMinutes(1), CancellationToken.None);

        Assert.Equal(SaveOutcome.AlreadyExists, again.Outcome);
        Assert.Equal((1, 3.0), (again.Document!.Version, again.Document.Parameters.Factor!.Value));
    }

    [Fact]
    public async Task every_replace_bumps_the_version_and_an_expected_version_guards_it()
    {
        var ws = TestEvents.NewWorkspace();
        await Store.SaveAsync(ws, Spike(), WriteMode.Create, null, T0, CancellationToken.None);

        var second = await Store.SaveAsync(ws, Spike(factor: 4), WriteMode.Replace, null, T0.AddMinutes(1), CancellationToken.None);
        var third = await Store.SaveAsync(ws, Spike(factor: 5), WriteMode.Replace, 2, T0.AddMinutes(2), CancellationToken.None);
        var stale = await Store.SaveAsync(ws, Spike(factor: 6), WriteMode.Replace, 2, T0.AddMinutes(3), CancellationToken.None);

        Assert.Equal((SaveOutcome.Saved, 2), (second.Outcome, second.Document!.Version));
        Assert.Equal((SaveOutcome.Saved, 3, T0.AddMinutes(2)), (third.Outcome, third.Document!.Version, third.Document.UpdatedAt!.Value));
        Assert.Equal((SaveOutcome.VersionMismatch, 3), (stale.Outcome, stale.Document!.Version));
        var current = Assert.Single((await Store.ListAsync(ws, CancellationToken.None))!);
        Assert.Equal((3, 5.0), (current.Version, current.Parameters.Factor!.Value));
    }

    [Fact]
    public async Task replacing_or_deleting_a_rule_that_does_not_exist_is_not_found()
    {
        var ws = TestEvents.NewWorkspace();

        Assert.Equal(new SaveResult<RuleDefinition>(SaveOutcome.NotFound, null), await Store.SaveAsync(ws, Spike(), WriteMode.Replace, null, T0, CancellationToken.None));
        Assert.Equal(new SaveResult<RuleDefinition>(SaveOutcome.NotFound, null), await Store.DeleteAsync(ws, "spike", T0, CancellationToken.None));
        Assert.Null(await Store.ListAsync(ws, CancellationToken.None));
    }

    [Fact]
    public async Task a_deleted_rule_leaves_the_list_and_a_recreated_one_continues_its_numbering()
    {
        var ws = TestEvents.NewWorkspace();
        await Store.SaveAsync(ws, Spike(), WriteMode.Create, null, T0, CancellationToken.None);

        var deleted = await Store.DeleteAsync(ws, "spike", T0.AddMinutes(1), CancellationToken.None);

        Assert.Equal((SaveOutcome.Saved, 2), (deleted.Outcome, deleted.Document!.Version));
        Assert.Empty((await Store.ListAsync(ws, CancellationToken.None))!); // empty, not null: the workspace has rules of its own (none)
        Assert.Equal(SaveOutcome.NotFound, (await Store.DeleteAsync(ws, "spike", T0, CancellationToken.None)).Outcome);
        Assert.Equal(SaveOutcome.NotFound, (await Store.SaveAsync(ws, Spike(), WriteMode.Replace, null, T0, CancellationToken.None)).Outcome);

        var recreated = await Store.SaveAsync(ws, Spike(), WriteMode.Create, null, T0.AddMinutes(2), CancellationToken.None);
        Assert.Equal((SaveOutcome.Saved, 3), (recreated.Outcome, recreated.Document!.Version));
    }

    [Fact]
    public async Task workspaces_do_not_share_rules()
    {
        var (ws, other) = (TestEvents.NewWorkspace(), TestEvents.NewWorkspace());
        await Store.SaveAsync(ws, Spike(), WriteMode.Create, null, T0, CancellationToken.None);

        Assert.Null(await Store.ListAsync(other, CancellationToken.None));
        Assert.Equal(SaveOutcome.Saved, (await Store.SaveAsync(other, Spike(), WriteMode.Create, null, T0, CancellationToken.None)).Outcome);
    }
}
