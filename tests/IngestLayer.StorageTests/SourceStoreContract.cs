using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

/// <summary>What every <see cref="ISourceStore"/> must do; each test works in a workspace of its own.</summary>
public abstract class SourceStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    protected abstract ISourceStore Store { get; }

    [Fact]
    public async Task a_created_source_is_listed_as_stored()
    {
        var source = NewSource(TestEvents.NewWorkspace(), "web");

        Assert.True(await Store.CreateAsync(source, CancellationToken.None));

        Assert.Equal(source, Assert.Single(await ListAsync(source.Workspace, includeRevoked: true)));
    }

    [Fact]
    public async Task a_second_live_source_of_the_same_name_in_a_workspace_is_refused_but_another_workspace_may_use_it()
    {
        var ws = TestEvents.NewWorkspace();
        var first = NewSource(ws, "web");
        await Store.CreateAsync(first, CancellationToken.None);

        Assert.False(await Store.CreateAsync(NewSource(ws, "web"), CancellationToken.None));
        Assert.True(await Store.CreateAsync(NewSource(TestEvents.NewWorkspace(), "web"), CancellationToken.None));
        Assert.Equal([first], await ListAsync(ws, includeRevoked: true));
    }

    [Fact]
    public async Task concurrent_creates_of_one_name_store_exactly_one()
    {
        var ws = TestEvents.NewWorkspace();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Store.CreateAsync(NewSource(ws, "web"), CancellationToken.None).AsTask()));

        Assert.Equal(1, results.Count(r => r));
        Assert.Single(await ListAsync(ws, includeRevoked: true));
    }

    [Fact]
    public async Task a_key_digest_belongs_to_one_source()
    {
        var first = NewSource(TestEvents.NewWorkspace(), "web");
        await Store.CreateAsync(first, CancellationToken.None);

        await Assert.ThrowsAsync<StorageRejectedException>(
            () => Store.CreateAsync(NewSource(TestEvents.NewWorkspace(), "app") with { KeyDigest = first.KeyDigest }, CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task rotating_keeps_the_replaced_digest_as_the_previous_one_until_the_grace_ends()
    {
        var source = NewSource(TestEvents.NewWorkspace(), "web");
        await Store.CreateAsync(source, CancellationToken.None);
        var newDigest = Digest();

        var rotated = await Store.RotateAsync(source.Workspace, "web", newDigest, "wk_new12", Now.AddHours(25), Now.AddHours(1), CancellationToken.None);

        var expected = source with
        {
            KeyDigest = newDigest,
            KeyPrefix = "wk_new12",
            RotatedAt = Now.AddHours(1),
            PreviousKeyDigest = source.KeyDigest,
            PreviousKeyValidUntil = Now.AddHours(25),
        };
        Assert.Equal(expected, rotated);
        Assert.Equal([expected], await ListAsync(source.Workspace, includeRevoked: false));
    }

    [Fact]
    public async Task a_second_rotation_drops_the_key_rotated_out_first()
    {
        var source = NewSource(TestEvents.NewWorkspace(), "web");
        await Store.CreateAsync(source, CancellationToken.None);
        var second = Digest();
        var third = Digest();
        await Store.RotateAsync(source.Workspace, "web", second, "wk_2", Now.AddHours(24), Now, CancellationToken.None);

        var rotated = await Store.RotateAsync(source.Workspace, "web", third, "wk_3", Now.AddHours(1), Now, CancellationToken.None);

        Assert.Equal((third, second, Now.AddHours(1)), (rotated!.KeyDigest, rotated.PreviousKeyDigest, rotated.PreviousKeyValidUntil));
    }

    [Fact]
    public async Task rotating_or_revoking_a_source_that_does_not_exist_changes_nothing()
    {
        var ws = TestEvents.NewWorkspace();
        await Store.CreateAsync(NewSource(ws, "web"), CancellationToken.None);

        Assert.Null(await Store.RotateAsync(ws, "app", Digest(), "wk_x", Now, Now, CancellationToken.None));
        Assert.Null(await Store.RevokeAsync(ws, "app", Now, CancellationToken.None));
        Assert.Null(await Store.RevokeAsync(TestEvents.NewWorkspace(), "web", Now, CancellationToken.None));
        Assert.Null(Assert.Single(await ListAsync(ws, includeRevoked: true)).RevokedAt);
    }

    [Fact]
    public async Task a_revoked_source_is_kept_for_the_record_cannot_be_rotated_and_frees_its_name()
    {
        var source = NewSource(TestEvents.NewWorkspace(), "web");
        await Store.CreateAsync(source, CancellationToken.None);

        Assert.Equal(source with { RevokedAt = Now.AddDays(1) }, await Store.RevokeAsync(source.Workspace, "web", Now.AddDays(1), CancellationToken.None));
        Assert.Null(await Store.RevokeAsync(source.Workspace, "web", Now.AddDays(2), CancellationToken.None));
        Assert.Null(await Store.RotateAsync(source.Workspace, "web", Digest(), "wk_x", Now, Now, CancellationToken.None));
        Assert.Empty(await ListAsync(source.Workspace, includeRevoked: false));

        var again = NewSource(source.Workspace, "web") with { CreatedAt = Now.AddDays(3) };
        Assert.True(await Store.CreateAsync(again, CancellationToken.None));
        Assert.Equal([source with { RevokedAt = Now.AddDays(1) }, again], await ListAsync(source.Workspace, includeRevoked: true));
        Assert.Equal([again], await ListAsync(source.Workspace, includeRevoked: false));
    }

    [Fact]
    public async Task the_list_is_ordered_by_workspace_then_name_in_ordinal_order()
    {
        var ws = TestEvents.NewWorkspace();
        foreach (var name in new[] { "web", "Zed", "app" })
        {
            await Store.CreateAsync(NewSource(ws, name), CancellationToken.None);
        }

        Assert.Equal(["Zed", "app", "web"], (await ListAsync(ws, includeRevoked: false)).Select(s => s.Name));
    }

    private async Task<List<SourceRecord>> ListAsync(string workspace, bool includeRevoked) =>
        [.. (await Store.ListAsync(includeRevoked, CancellationToken.None)).Where(s => s.Workspace == workspace)];

    private static SourceRecord NewSource(string workspace, string name) => new(workspace, name, Digest(), "wk_" + name[..Math.Min(5, name.Length)], Now);

    private static string Digest() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}
