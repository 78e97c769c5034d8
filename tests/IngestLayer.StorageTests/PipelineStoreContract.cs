using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

/// <summary>What every <see cref="IPipelineStore"/> and <see cref="INamedListStore"/> must do; each test works in a workspace of its own.</summary>
public abstract class PipelineStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    protected abstract IPipelineStore Pipelines { get; }

    protected abstract INamedListStore Lists { get; }

    protected static PipelineDefinition Handbook(string id = "handbook", string channel = "$account.owner_channel") => new()
    {
        Id = id,
        Name = "Ada's book",
        Enabled = false,
        Match = ["$pageview", "feature.used"],
        Steps =
        [
            new PipelineStep { Filter = "account.id in list(\"ada-book\") and (event != \"$pageview\" or properties.$current_url contains \"docs\")" },
            new PipelineStep { Enrich = ["user", "account"] },
        ],
        Destinations =
        [
            new PipelineDestination { Id = "owner", Type = PipelineDestinationTypes.Slack, Channel = channel, Template = "$user.email: $event.name" },
            new PipelineDestination { Id = "crm", Type = PipelineDestinationTypes.Webhook, Url = "https://crm.example/in", Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Payload = """{"who":"$user.email"}""" },
        ],
        ThrottlePerMinute = 3,
    };

    protected static NamedListDefinition Book(params string[] values) => new() { Id = "ada-book", Values = values };

    // Records compare their lists by reference: compare what a reader would see, as JSON.
    protected static string Json<T>(T value) => JsonSerializer.Serialize(value);

    [Fact]
    public async Task a_workspace_that_never_stored_a_pipeline_or_list_has_none()
    {
        var ws = TestEvents.NewWorkspace();

        Assert.Null(await Pipelines.ListAsync(ws, CancellationToken.None));
        Assert.Null(await Lists.ListAsync(ws, CancellationToken.None));
    }

    [Fact]
    public async Task a_created_pipeline_is_version_1_and_comes_back_whole_secret_included()
    {
        var ws = TestEvents.NewWorkspace();

        var created = await Pipelines.SaveAsync(ws, Handbook(), WriteMode.Create, null, T0, CancellationToken.None);
        await Pipelines.SaveAsync(ws, Handbook("a-first") with { Enabled = true }, WriteMode.Create, null, T0, CancellationToken.None);

        Assert.Equal(SaveOutcome.Saved, created.Outcome);
        Assert.Equal(Json(Handbook() with { Version = 1, UpdatedAt = T0 }), Json(created.Document));
        var listed = (await Pipelines.ListAsync(ws, CancellationToken.None))!;
        Assert.Equal(["a-first", "handbook"], listed.Select(p => p.Id));
        Assert.Equal(Json(Handbook() with { Version = 1, UpdatedAt = T0 }), Json(listed[1]));
        Assert.True(listed[0].Enabled);
        Assert.Equal("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", listed[1].Destinations[1].Secret);
    }

    [Fact]
    public async Task pipeline_versions_are_guarded_and_creating_twice_is_refused()
    {
        var ws = TestEvents.NewWorkspace();
        await Pipelines.SaveAsync(ws, Handbook(), WriteMode.Create, null, T0, CancellationToken.None);

        var again = await Pipelines.SaveAsync(ws, Handbook(channel: "#other"), WriteMode.Create, null, T0, CancellationToken.None);
        var second = await Pipelines.SaveAsync(ws, Handbook(channel: "#two"), WriteMode.Replace, 1, T0.AddMinutes(1), CancellationToken.None);
        var stale = await Pipelines.SaveAsync(ws, Handbook(channel: "#stale"), WriteMode.Replace, 1, T0.AddMinutes(2), CancellationToken.None);
        var unguarded = await Pipelines.SaveAsync(ws, Handbook(channel: "#three"), WriteMode.Replace, null, T0.AddMinutes(3), CancellationToken.None);

        Assert.Equal((SaveOutcome.AlreadyExists, 1, "$account.owner_channel"), (again.Outcome, again.Document!.Version, again.Document.Destinations[0].Channel));
        Assert.Equal((SaveOutcome.Saved, 2), (second.Outcome, second.Document!.Version));
        Assert.Equal((SaveOutcome.VersionMismatch, 2), (stale.Outcome, stale.Document!.Version));
        Assert.Equal((SaveOutcome.Saved, 3), (unguarded.Outcome, unguarded.Document!.Version));
        var current = Assert.Single((await Pipelines.ListAsync(ws, CancellationToken.None))!);
        Assert.Equal((3, "#three", T0.AddMinutes(3)), (current.Version, current.Destinations[0].Channel, current.UpdatedAt!.Value));
    }

    [Fact]
    public async Task a_deleted_pipeline_leaves_the_list_and_a_recreated_one_continues_its_numbering()
    {
        var ws = TestEvents.NewWorkspace();
        await Pipelines.SaveAsync(ws, Handbook(), WriteMode.Create, null, T0, CancellationToken.None);

        var deleted = await Pipelines.DeleteAsync(ws, "handbook", T0.AddMinutes(1), CancellationToken.None);

        Assert.Equal((SaveOutcome.Saved, 2), (deleted.Outcome, deleted.Document!.Version));
        Assert.Empty((await Pipelines.ListAsync(ws, CancellationToken.None))!);
        Assert.Equal(SaveOutcome.NotFound, (await Pipelines.DeleteAsync(ws, "handbook", T0, CancellationToken.None)).Outcome);
        Assert.Equal(SaveOutcome.NotFound, (await Pipelines.SaveAsync(ws, Handbook(), WriteMode.Replace, null, T0, CancellationToken.None)).Outcome);

        var recreated = await Pipelines.SaveAsync(ws, Handbook(channel: "#again"), WriteMode.Create, null, T0.AddMinutes(2), CancellationToken.None);
        Assert.Equal((SaveOutcome.Saved, 3), (recreated.Outcome, recreated.Document!.Version));
        Assert.Equal("#again", Assert.Single((await Pipelines.ListAsync(ws, CancellationToken.None))!).Destinations[0].Channel);
    }

    [Fact]
    public async Task a_named_list_is_versioned_replaced_whole_and_deleted()
    {
        var ws = TestEvents.NewWorkspace();

        var first = await Lists.SaveAsync(ws, Book("org-1", "org-2"), WriteMode.Create, null, T0, CancellationToken.None);
        var second = await Lists.SaveAsync(ws, Book("org-3"), WriteMode.Replace, null, T0.AddMinutes(1), CancellationToken.None);

        Assert.Equal((SaveOutcome.Saved, 1), (first.Outcome, first.Document!.Version));
        Assert.Equal((SaveOutcome.Saved, 2), (second.Outcome, second.Document!.Version));
        var listed = Assert.Single((await Lists.ListAsync(ws, CancellationToken.None))!);
        Assert.Equal(("ada-book", 2, T0.AddMinutes(1)), (listed.Id, listed.Version, listed.UpdatedAt!.Value));
        Assert.Equal(["org-3"], listed.Values);

        Assert.Equal((SaveOutcome.Saved, 3), ((await Lists.DeleteAsync(ws, "ada-book", T0.AddMinutes(2), CancellationToken.None)) is var d ? (d.Outcome, d.Document!.Version) : default));
        Assert.Empty((await Lists.ListAsync(ws, CancellationToken.None))!);
        Assert.Equal(SaveOutcome.NotFound, (await Lists.DeleteAsync(ws, "ada-book", T0, CancellationToken.None)).Outcome);
        var back = await Lists.SaveAsync(ws, Book("org-9"), WriteMode.Create, null, T0.AddMinutes(3), CancellationToken.None);
        Assert.Equal((SaveOutcome.Saved, 4), (back.Outcome, back.Document!.Version));
    }

    [Fact]
    public async Task pipelines_and_lists_of_the_same_name_are_separate_documents()
    {
        var ws = TestEvents.NewWorkspace();
        await Pipelines.SaveAsync(ws, Handbook("ada-book"), WriteMode.Create, null, T0, CancellationToken.None);
        await Pipelines.SaveAsync(ws, Handbook("ada-book"), WriteMode.Replace, null, T0, CancellationToken.None);

        var list = await Lists.SaveAsync(ws, Book("org-1"), WriteMode.Create, null, T0, CancellationToken.None);

        Assert.Equal((SaveOutcome.Saved, 1), (list.Outcome, list.Document!.Version));
        Assert.Equal(2, Assert.Single((await Pipelines.ListAsync(ws, CancellationToken.None))!).Version);
        Assert.Equal(["org-1"], Assert.Single((await Lists.ListAsync(ws, CancellationToken.None))!).Values);
        await Lists.DeleteAsync(ws, "ada-book", T0, CancellationToken.None);
        Assert.Single((await Pipelines.ListAsync(ws, CancellationToken.None))!);
    }

    [Fact]
    public async Task workspaces_do_not_share_pipelines_or_lists()
    {
        var (ws, other) = (TestEvents.NewWorkspace(), TestEvents.NewWorkspace());
        await Pipelines.SaveAsync(ws, Handbook(), WriteMode.Create, null, T0, CancellationToken.None);
        await Lists.SaveAsync(ws, Book("org-1"), WriteMode.Create, null, T0, CancellationToken.None);

        Assert.Null(await Pipelines.ListAsync(other, CancellationToken.None));
        Assert.Null(await Lists.ListAsync(other, CancellationToken.None));
        Assert.Equal(1, (await Pipelines.SaveAsync(other, Handbook(), WriteMode.Create, null, T0, CancellationToken.None)).Document!.Version);
    }
}
