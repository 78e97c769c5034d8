namespace IngestLayer.Storage;

/// <summary>
/// The Slack app as installed for one IngestLayer workspace by <c>GET /slack/install</c>: which Slack team, the bot,
/// the scopes granted, and its tokens. The tokens are held as Data Protection ciphertext (never in clear): the
/// store keeps what it is given and cannot read them.
/// </summary>
/// <param name="Workspace">The IngestLayer workspace the installation posts that workspace's alerts for.</param>
/// <param name="InstallationId">New on every install, so a token rejected after a reinstall does not deactivate the new installation.</param>
/// <param name="TeamId">The Slack team (<c>T…</c>).</param>
/// <param name="TeamName">The Slack team's name.</param>
/// <param name="AppId">The Slack app (<c>A…</c>).</param>
/// <param name="BotUserId">The bot user (<c>U…</c>).</param>
/// <param name="Scopes">The scopes granted, comma-separated as Slack returns them.</param>
/// <param name="ProtectedBotToken">The bot token (<c>xoxb-…</c>), encrypted.</param>
/// <param name="ProtectedRefreshToken">With token rotation: the refresh token, encrypted; else null.</param>
/// <param name="TokenExpiresAt">With token rotation: when the bot token expires; else null (it does not).</param>
/// <param name="TokenVersion">Bumped by every rotation, so two hosts refreshing at once do not overwrite each other's tokens.</param>
/// <param name="InstalledAt">When the installation was completed.</param>
/// <param name="Active">False once Slack answered that the token is revoked or invalid; a reinstall makes a new, active one.</param>
/// <param name="DeactivatedAt">When it was deactivated, if it was.</param>
/// <param name="DeactivatedReason">Slack's error that deactivated it (<c>token_revoked</c>, …).</param>
public sealed record SlackInstallation(
    string Workspace,
    Guid InstallationId,
    string TeamId,
    string TeamName,
    string? AppId,
    string? BotUserId,
    string Scopes,
    string ProtectedBotToken,
    string? ProtectedRefreshToken,
    DateTimeOffset? TokenExpiresAt,
    int TokenVersion,
    DateTimeOffset InstalledAt,
    bool Active = true,
    DateTimeOffset? DeactivatedAt = null,
    string? DeactivatedReason = null);

/// <summary>A rotated token pair for <see cref="ISlackInstallationStore.RotateTokensAsync"/>, both encrypted.</summary>
public sealed record SlackRotatedTokens(string ProtectedBotToken, string? ProtectedRefreshToken, DateTimeOffset? TokenExpiresAt);
