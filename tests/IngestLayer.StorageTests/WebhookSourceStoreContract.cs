using IngestLayer.Contracts;
using IngestLayer.Contracts.Webhooks;
using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

/// <summary>What every <see cref="IWebhookSourceStore"/> must do; each test works in a workspace of its own, with ids of its own.</summary>
public abstract class WebhookSourceStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    protected abstract IWebhookSourceStore Store { get; }

    protected static string NewSourceId() => "whsrc_" + Guid.NewGuid().ToString("N")[..24];

    protected static WebhookSourceDefinition Custom(string id) => new()
    {
        Id = id,
        Name = "CRM",
        Scheme = WebhookSchemes.StandardWebhooks,
        Secrets = ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_c2Vjb25kLXNlY3JldC1vZi10d2VudHktZm91cg=="],
        Mapping = new WebhookMapping
        {
            Event = ["$.event"],
            Account = ["$.org.id", "$.org_id"],
            Timestamp = ["$.at"],
            PropertyMap = new Dictionary<string, string> { ["deal"] = "$.deal.id" },
            Names = new Dictionary<string, string> { ["deal.won"] = "crm deal won" },
            Unmapped = WebhookUnmapped.Keep,
        },
        Enabled = false,
    };

    [Fact]
    public async Task a_created_source_comes_back_whole_from_its_workspace_and_by_id_alone()
    {
        var ws = TestEvents.NewWorkspace();
        var id = NewSourceId();

        var created = await Store.SaveAsync(ws, Custom(id), WriteMode.Create, null, T0, CancellationToken.None);

        Assert.Equal((SaveOutcome.Saved, 1, T0), (created.Outcome, created.Document!.Version, created.Document.UpdatedAt!.Value));
        var listed = Assert.Single((await Store.ListAsync(ws, CancellationToken.None))!);
        var found = await Store.FindAsync(id, CancellationToken.None);
        Assert.NotNull(found);
        Assert.Equal(ws, found.Workspace);
        foreach (var source in new[] { listed, found.Source })
        {
            Assert.Equal((id, "CRM", WebhookSchemes.StandardWebhooks, false, 1), (source.Id, source.Name, source.Scheme, source.Enabled, source.Version));
            Assert.Equal(Custom(id).Secrets, source.Secrets);
            Assert.Equal(["$.event"], source.Mapping.Event!);
            Assert.Equal(["$.org.id", "$.org_id"], source.Mapping.Account!);
            Assert.Equal(["$.at"], source.Mapping.Timestamp!);
            Assert.Null(source.Mapping.Preset);
            Assert.Null(source.Mapping.User);
            Assert.Equal("$.deal.id", source.Mapping.PropertyMap!["deal"]);
            Assert.Equal("crm deal won", source.Mapping.Names!["deal.won"]);
            Assert.Equal(WebhookUnmapped.Keep, source.Mapping.Unmapped);
        }
    }

    [Fact]
    public async Task an_unknown_id_is_found_nowhere()
    {
        Assert.Null(await Store.FindAsync(NewSourceId(), CancellationToken.None));
    }

    [Fact]
    public async Task a_replaced_source_is_found_at_its_new_version()
    {
        var ws = TestEvents.NewWorkspace();
        var id = NewSourceId();
        await Store.SaveAsync(ws, Custom(id), WriteMode.Create, null, T0, CancellationToken.None);

        var replaced = await Store.SaveAsync(ws, Custom(id) with { Enabled = true, Mapping = new WebhookMapping { Preset = WebhookPresets.Stripe } }, WriteMode.Replace, 1, T0.AddMinutes(1), CancellationToken.None);
        var stale = await Store.SaveAsync(ws, Custom(id), WriteMode.Replace, 1, T0.AddMinutes(2), CancellationToken.None);

        Assert.Equal(SaveOutcome.Saved, replaced.Outcome);
        Assert.Equal(SaveOutcome.VersionMismatch, stale.Outcome);
        var found = (await Store.FindAsync(id, CancellationToken.None))!.Source;
        Assert.Equal((2, true, WebhookPresets.Stripe), (found.Version, found.Enabled, found.Mapping.Preset));
        Assert.Null(found.Mapping.Event);
    }

    [Fact]
    public async Task a_deleted_source_is_found_no_more_but_others_of_its_workspace_are()
    {
        var ws = TestEvents.NewWorkspace();
        var (gone, kept) = (NewSourceId(), NewSourceId());
        await Store.SaveAsync(ws, Custom(gone), WriteMode.Create, null, T0, CancellationToken.None);
        await Store.SaveAsync(ws, Custom(kept), WriteMode.Create, null, T0, CancellationToken.None);

        var deleted = await Store.DeleteAsync(ws, gone, T0.AddMinutes(1), CancellationToken.None);

        Assert.Equal(SaveOutcome.Saved, deleted.Outcome);
        Assert.Null(await Store.FindAsync(gone, CancellationToken.None));
        Assert.Equal(ws, (await Store.FindAsync(kept, CancellationToken.None))!.Workspace);
        Assert.Equal([kept], (await Store.ListAsync(ws, CancellationToken.None))!.Select(s => s.Id));
    }

    [Fact]
    public async Task sources_of_two_workspaces_are_each_found_in_their_own()
    {
        var (ws1, ws2) = (TestEvents.NewWorkspace(), TestEvents.NewWorkspace());
        var (a, b) = (NewSourceId(), NewSourceId());
        await Store.SaveAsync(ws1, Custom(a), WriteMode.Create, null, T0, CancellationToken.None);
        await Store.SaveAsync(ws2, Custom(b), WriteMode.Create, null, T0, CancellationToken.None);

        Assert.Equal((ws1, ws2), ((await Store.FindAsync(a, CancellationToken.None))!.Workspace, (await Store.FindAsync(b, CancellationToken.None))!.Workspace));
        Assert.Equal([a], (await Store.ListAsync(ws1, CancellationToken.None))!.Select(s => s.Id));
    }
}
