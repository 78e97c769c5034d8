using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

/// <summary>What every <see cref="IOwnerPreferenceStore"/> must do; each test works in a workspace of its own.</summary>
public abstract class OwnerPreferenceStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected abstract IOwnerPreferenceStore Store { get; }

    [Fact]
    public async Task an_owner_who_never_stored_preferences_has_none()
    {
        Assert.Null(await Store.GetAsync(TestEvents.NewWorkspace(), "ada@vendor.example", CancellationToken.None));
    }

    [Fact]
    public async Task stored_preferences_are_read_back_as_stored_per_workspace()
    {
        var ws = TestEvents.NewWorkspace();
        var preferences = new OwnerPreferences("ada@vendor.example", OwnerDeliveryMode.DailyDigest, new TimeOnly(8, 30), "Europe/Berlin", "#ada-digest");

        var stored = await Store.SaveAsync(ws, preferences, Now, CancellationToken.None);

        Assert.Equal(preferences with { UpdatedAt = Now }, stored);
        Assert.Equal(stored, await Store.GetAsync(ws, "ada@vendor.example", CancellationToken.None));
        Assert.Null(await Store.GetAsync(TestEvents.NewWorkspace(), "ada@vendor.example", CancellationToken.None));
    }

    [Fact]
    public async Task a_later_save_replaces_the_whole_document()
    {
        var ws = TestEvents.NewWorkspace();
        await Store.SaveAsync(ws, new OwnerPreferences("ada@vendor.example", OwnerDeliveryMode.DailyDigest, new TimeOnly(7, 0), "Asia/Tokyo", "#ada"), Now, CancellationToken.None);

        await Store.SaveAsync(ws, OwnerPreferences.Default("ada@vendor.example"), Now.AddHours(1), CancellationToken.None);

        Assert.Equal(OwnerPreferences.Default("ada@vendor.example") with { UpdatedAt = Now.AddHours(1) }, await Store.GetAsync(ws, "ada@vendor.example", CancellationToken.None));
    }

    [Fact]
    public async Task the_list_holds_the_workspaces_owners_in_ordinal_order()
    {
        var ws = TestEvents.NewWorkspace();
        foreach (var owner in new[] { "bob@vendor.example", "Zed@vendor.example", "ada@vendor.example" })
        {
            await Store.SaveAsync(ws, OwnerPreferences.Default(owner), Now, CancellationToken.None);
        }

        await Store.SaveAsync(TestEvents.NewWorkspace(), OwnerPreferences.Default("other@vendor.example"), Now, CancellationToken.None);

        Assert.Equal(["Zed@vendor.example", "ada@vendor.example", "bob@vendor.example"], (await Store.ListAsync(ws, CancellationToken.None)).Select(p => p.Owner));
    }
}
