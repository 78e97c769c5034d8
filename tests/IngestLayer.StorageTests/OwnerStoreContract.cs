using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

/// <summary>What every <see cref="IOwnerStore"/> must do; each test works in a workspace of its own.</summary>
public abstract class OwnerStoreContract
{
    protected abstract IOwnerStore Store { get; }

    [Fact]
    public async Task an_imported_assignment_is_found_by_account()
    {
        var ws = TestEvents.NewWorkspace();
        await Store.UpsertAsync(ws, [new OwnerRecord("acme", "ada@vendor.example", "#ada-alerts"), new OwnerRecord("globex", "bob@vendor.example", null)], CancellationToken.None);

        Assert.Equal(new OwnerRecord("acme", "ada@vendor.example", "#ada-alerts"), await Store.GetAsync(ws, "acme", CancellationToken.None));
        Assert.Equal(new OwnerRecord("globex", "bob@vendor.example", null), await Store.GetAsync(ws, "globex", CancellationToken.None));
        Assert.Null(await Store.GetAsync(ws, "initech", CancellationToken.None));
        Assert.Null(await Store.GetAsync(TestEvents.NewWorkspace(), "acme", CancellationToken.None));
    }

    [Fact]
    public async Task a_later_import_replaces_the_assignment()
    {
        var ws = TestEvents.NewWorkspace();
        await Store.UpsertAsync(ws, [new OwnerRecord("acme", "ada@vendor.example", "#ada-alerts")], CancellationToken.None);

        await Store.UpsertAsync(ws, [new OwnerRecord("acme", "bob@vendor.example", null)], CancellationToken.None);

        Assert.Equal(new OwnerRecord("acme", "bob@vendor.example", null), await Store.GetAsync(ws, "acme", CancellationToken.None));
        Assert.Empty(await Store.ListByOwnerAsync(ws, "ada@vendor.example", CancellationToken.None));
    }

    [Fact]
    public async Task the_last_row_for_an_account_wins_within_one_import()
    {
        var ws = TestEvents.NewWorkspace();

        await Store.UpsertAsync(ws, [new OwnerRecord("acme", "ada@vendor.example", "#a"), new OwnerRecord("acme", "bob@vendor.example", "#b")], CancellationToken.None);

        Assert.Equal(new OwnerRecord("acme", "bob@vendor.example", "#b"), await Store.GetAsync(ws, "acme", CancellationToken.None));
    }

    [Fact]
    public async Task an_owner_s_accounts_are_listed_in_account_order_within_the_workspace()
    {
        var ws = TestEvents.NewWorkspace();
        await Store.UpsertAsync(ws,
        [
            new OwnerRecord("zeta", "ada@vendor.example", null), new OwnerRecord("Acme", "ada@vendor.example", "#ada"),
            new OwnerRecord("beta", "ada@vendor.example", null), new OwnerRecord("gamma", "bob@vendor.example", null),
        ], CancellationToken.None);
        await Store.UpsertAsync(TestEvents.NewWorkspace(), [new OwnerRecord("other", "ada@vendor.example", null)], CancellationToken.None);

        var owned = await Store.ListByOwnerAsync(ws, "ada@vendor.example", CancellationToken.None);

        Assert.Equal(["Acme", "beta", "zeta"], owned.Select(r => r.AccountId));
    }
}
