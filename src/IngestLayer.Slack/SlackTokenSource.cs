using System.Collections.Concurrent;
using IngestLayer.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Slack;

/// <summary>
/// The installations' tokens, decrypted, with <c>Slack:BotToken</c> as the fallback for workspaces never installed.
/// A rotating token that expires within <see cref="RefreshMargin"/> is refreshed before it is handed out; the new pair
/// is stored only over the version it replaced, so when two hosts refresh at once one pair wins and both use it.
/// Installations are read through a short cache: delivery asks per alert.
/// </summary>
public sealed partial class SlackTokenSource(
    ISlackInstallationStore store,
    SlackTokenProtector protector,
    SlackOAuthClient oauth,
    IOptionsMonitor<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackTokenSource> logger) : ISlackTokenSource
{
    /// <summary>Refresh this long before expiry: a delivery attempt (three tries of 10 s) must not outlive its token.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    /// <summary>How long an installation read is reused; a reinstall on another host is seen within this.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);

    /// <summary>The errors that say the token itself is dead (as opposed to the channel, the message or a scope).</summary>
    public static readonly IReadOnlySet<string> DeadTokenErrors = new HashSet<string>(StringComparer.Ordinal)
    {
        "token_revoked", "invalid_auth", "account_inactive",
    };

    // Refresh errors after which the refresh token will never work again.
    private static readonly HashSet<string> DeadRefreshErrors = new(StringComparer.Ordinal)
    {
        "invalid_refresh_token", "invalid_grant", "token_revoked", "invalid_auth", "account_inactive", "app_uninstalled",
    };

    private readonly ConcurrentDictionary<string, (SlackInstallation? Installation, DateTimeOffset ReadAt)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _refreshing = new(StringComparer.Ordinal);

    public async ValueTask<SlackCredential?> GetAsync(string workspace, CancellationToken cancellationToken)
    {
        var installation = await ReadAsync(workspace, cancellationToken);
        if (installation is null)
        {
            var fallback = options.CurrentValue.BotToken;
            return string.IsNullOrWhiteSpace(fallback) ? null : new SlackCredential.Token(fallback, workspace, null);
        }

        // No fallback to Slack:BotToken here: that token may be another Slack team's, and the workspace chose this one.
        if (!installation.Active)
        {
            return Inactive(installation);
        }

        if (installation.ProtectedRefreshToken is not null && installation.TokenExpiresAt is { } expiresAt && expiresAt - time.GetUtcNow() <= RefreshMargin)
        {
            return await RefreshAsync(installation, cancellationToken);
        }

        return Decrypt(installation);
    }

    public async ValueTask ReportRejectedAsync(SlackCredential.Token token, string error, CancellationToken cancellationToken)
    {
        if (token.InstallationId is not { } installationId || !DeadTokenErrors.Contains(error))
        {
            return;
        }

        if (await store.DeactivateAsync(token.Workspace, installationId, error, time.GetUtcNow(), cancellationToken))
        {
            LogDeactivated(token.Workspace, installationId, error);
        }

        Forget(token.Workspace);
    }

    /// <summary>Drops the cached installation of <paramref name="workspace"/> (after an install on this host).</summary>
    public void Forget(string workspace) => _cache.TryRemove(workspace, out _);

    private async ValueTask<SlackInstallation?> ReadAsync(string workspace, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(workspace, out var cached) && now - cached.ReadAt < CacheFor)
        {
            return cached.Installation;
        }

        var installation = await store.GetAsync(workspace, cancellationToken);
        _cache[workspace] = (installation, now);
        return installation;
    }

    private SlackCredential Decrypt(SlackInstallation installation)
    {
        if (protector.TryUnprotect(installation.ProtectedBotToken) is { } token)
        {
            return new SlackCredential.Token(token, installation.Workspace, installation.InstallationId);
        }

        LogUnreadable(installation.Workspace);
        return new SlackCredential.Unusable("token_unreadable",
            $"The Slack token of workspace '{installation.Workspace}' cannot be decrypted: this host's Data Protection key ring lacks its key. " +
            "Durable hosts share the key ring in PostgreSQL (data_protection_keys); if it was lost, reinstall via GET /slack/install.");
    }

    private static SlackCredential.Unusable Inactive(SlackInstallation installation) => new(
        installation.DeactivatedReason ?? "token_revoked",
        $"The Slack installation of workspace '{installation.Workspace}' (team {installation.TeamName}) is inactive since " +
        $"{installation.DeactivatedAt:u}: Slack answered {installation.DeactivatedReason}. Reinstall via GET /slack/install?workspace={installation.Workspace}.");

    private async Task<SlackCredential> RefreshAsync(SlackInstallation seen, CancellationToken cancellationToken)
    {
        var gate = _refreshing.GetOrAdd(seen.Workspace, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Another caller on this host, or another host, may have refreshed while this one waited.
            Forget(seen.Workspace);
            var current = await ReadAsync(seen.Workspace, cancellationToken);
            if (current is null)
            {
                return new SlackCredential.Unavailable("installation_removed");
            }

            if (current.InstallationId != seen.InstallationId || !current.Active)
            {
                return current.Active ? Decrypt(current) : Inactive(current);
            }

            if (current.TokenExpiresAt is not { } expiresAt || expiresAt - time.GetUtcNow() > RefreshMargin || current.ProtectedRefreshToken is null)
            {
                return Decrypt(current);
            }

            if (protector.TryUnprotect(current.ProtectedRefreshToken) is not { } refreshToken)
            {
                return Decrypt(current);
            }

            var result = await oauth.RefreshAsync(refreshToken, cancellationToken);
            var now = time.GetUtcNow();
            switch (result)
            {
                case SlackOAuthResult.Granted { Grant: var grant }:
                    var rotated = new SlackRotatedTokens(
                        protector.Protect(grant.BotToken),
                        protector.Protect(grant.RefreshToken ?? refreshToken),
                        grant.ExpiresIn is { } lifetime ? now + lifetime : null);
                    if (await store.RotateTokensAsync(current.Workspace, current.InstallationId, current.TokenVersion, rotated, cancellationToken))
                    {
                        Forget(current.Workspace);
                        LogRotated(current.Workspace, rotated.TokenExpiresAt);
                        return new SlackCredential.Token(grant.BotToken, current.Workspace, current.InstallationId);
                    }

                    // Lost the race to another host: its pair is the stored one.
                    return await UseStoredAsync(current, cancellationToken);

                case SlackOAuthResult.Failed { SlackFailed: false, Error: var error } when DeadRefreshErrors.Contains(error):
                    // Another host may have used (and so revoked) this refresh token a moment ago: prefer what it stored.
                    Forget(current.Workspace);
                    if (await store.GetAsync(current.Workspace, cancellationToken) is { } latest && latest.TokenVersion != current.TokenVersion)
                    {
                        return latest.Active ? Decrypt(latest) : Inactive(latest);
                    }

                    await store.DeactivateAsync(current.Workspace, current.InstallationId, error, now, cancellationToken);
                    LogDeactivated(current.Workspace, current.InstallationId, error);
                    Forget(current.Workspace);
                    return Inactive(current with { Active = false, DeactivatedAt = now, DeactivatedReason = error });

                case SlackOAuthResult.Failed { Error: var error }:
                    LogRefreshFailed(current.Workspace, error);

                    // The old token may still have a few minutes: use it while it lasts.
                    return expiresAt > now ? Decrypt(current) : new SlackCredential.Unavailable("token_refresh_failed: " + error);

                default:
                    throw new InvalidOperationException($"Unknown OAuth result {result.GetType().Name}.");
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<SlackCredential> UseStoredAsync(SlackInstallation installation, CancellationToken cancellationToken)
    {
        Forget(installation.Workspace);
        var latest = await ReadAsync(installation.Workspace, cancellationToken);
        return latest is null
            ? new SlackCredential.Unavailable("installation_removed")
            : latest.Active ? Decrypt(latest) : Inactive(latest);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack installation {InstallationId} of workspace {Workspace} marked inactive: Slack answered {SlackError}. Reinstall via GET /slack/install")]
    private partial void LogDeactivated(string workspace, Guid installationId, string slackError);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack token of workspace {Workspace} rotated; the new one expires at {ExpiresAt:O}")]
    private partial void LogRotated(string workspace, DateTimeOffset? expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the Slack token of workspace {Workspace} failed ({SlackError}); trying again on next use")]
    private partial void LogRefreshFailed(string workspace, string slackError);

    [LoggerMessage(Level = LogLevel.Error, Message = "The Slack token of workspace {Workspace} cannot be decrypted with this host's Data Protection key ring")]
    private partial void LogUnreadable(string workspace);
}
