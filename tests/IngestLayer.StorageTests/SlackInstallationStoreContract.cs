using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

/// <summary>What every <see cref="ISlackInstallationStore"/> must do; each test works in a workspace of its own.</summary>
public abstract class SlackInstallationStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected abstract ISlackInstallationStore Store { get; }

    private static SlackInstallation NewInstallation(string workspace, string team = "T0TEAM") => new(
        workspace, Guid.NewGuid(), team, "Team " + team, "A0APP", "U0BOT", "chat:write,channels:read",
        "protected-bot", "protected-refresh", Now.AddHours(12), TokenVersion: 0, Now);

    [Fact]
    public async Task a_workspace_never_installed_has_no_installation()
    {
        Assert.Null(await Store.GetAsync(TestEvents.NewWorkspace(), CancellationToken.None));
    }

    [Fact]
    public async Task an_installation_is_read_back_as_stored_and_a_reinstall_replaces_it()
    {
        var ws = TestEvents.NewWorkspace();
        var first = NewInstallation(ws);
        await Store.SaveAsync(first, CancellationToken.None);
        Assert.Equal(first, await Store.GetAsync(ws, CancellationToken.None));

        var second = NewInstallation(ws, "T0OTHER") with { ProtectedRefreshToken = null, TokenExpiresAt = null };
        await Store.SaveAsync(second, CancellationToken.None);
        Assert.Equal(second, await Store.GetAsync(ws, CancellationToken.None));
        Assert.Contains(second, await Store.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task tokens_rotate_only_over_the_version_they_refreshed()
    {
        var ws = TestEvents.NewWorkspace();
        var installed = NewInstallation(ws);
        await Store.SaveAsync(installed, CancellationToken.None);
        var rotated = new SlackRotatedTokens("protected-bot-2", "protected-refresh-2", Now.AddHours(24));

        Assert.True(await Store.RotateTokensAsync(ws, installed.InstallationId, 0, rotated, CancellationToken.None));
        // A second host that refreshed from version 0 too loses: its tokens are not stored.
        Assert.False(await Store.RotateTokensAsync(ws, installed.InstallationId, 0, rotated with { ProtectedBotToken = "stale" }, CancellationToken.None));
        Assert.False(await Store.RotateTokensAsync(ws, Guid.NewGuid(), 1, rotated, CancellationToken.None));

        Assert.Equal(
            installed with { ProtectedBotToken = "protected-bot-2", ProtectedRefreshToken = "protected-refresh-2", TokenExpiresAt = Now.AddHours(24), TokenVersion = 1 },
            await Store.GetAsync(ws, CancellationToken.None));
    }

    [Fact]
    public async Task deactivating_applies_once_and_only_to_the_current_installation()
    {
        var ws = TestEvents.NewWorkspace();
        var installed = NewInstallation(ws);
        await Store.SaveAsync(installed, CancellationToken.None);

        Assert.False(await Store.DeactivateAsync(ws, Guid.NewGuid(), "token_revoked", Now, CancellationToken.None));
        Assert.True(await Store.DeactivateAsync(ws, installed.InstallationId, "token_revoked", Now.AddMinutes(1), CancellationToken.None));
        Assert.False(await Store.DeactivateAsync(ws, installed.InstallationId, "invalid_auth", Now.AddMinutes(2), CancellationToken.None));

        Assert.Equal(installed with { Active = false, DeactivatedAt = Now.AddMinutes(1), DeactivatedReason = "token_revoked" },
            await Store.GetAsync(ws, CancellationToken.None));
    }

    [Fact]
    public async Task a_state_nonce_is_consumed_once_until_it_expires()
    {
        var nonce = Guid.NewGuid().ToString("N");
        Assert.True(await Store.TryConsumeStateAsync(nonce, Now.AddMinutes(10), Now, CancellationToken.None));
        Assert.False(await Store.TryConsumeStateAsync(nonce, Now.AddMinutes(10), Now.AddMinutes(1), CancellationToken.None));
        Assert.True(await Store.TryConsumeStateAsync(Guid.NewGuid().ToString("N"), Now.AddMinutes(10), Now.AddMinutes(1), CancellationToken.None));
    }
}
