using IngestLayer.Storage;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Slack;

/// <summary>
/// The OAuth v2 install flow: the authorize URL with a fresh <see cref="SlackInstallState"/>, and the callback's
/// checks (state genuine, in time, unused), the code exchange and the encrypted installation it stores.
/// </summary>
public sealed partial class SlackInstaller(
    IOptionsMonitor<SlackOptions> options,
    SlackInstallState states,
    SlackOAuthClient oauth,
    ISlackInstallationStore store,
    SlackTokenProtector protector,
    SlackTokenSource tokens,
    TimeProvider time,
    ILogger<SlackInstaller> logger)
{
    /// <summary>The bot scopes asked for: post (also where not invited), list and join channels, and the slash command.</summary>
    public static readonly IReadOnlyList<string> BotScopes = ["chat:write", "chat:write.public", "channels:read", "channels:join", "commands"];

    /// <summary>Slack's authorize page for an install into <paramref name="workspace"/>. Requires <see cref="SlackOptions.IsInstallConfigured"/>.</summary>
    public Uri AuthorizeUrl(string workspace)
    {
        var settings = options.CurrentValue;
        var url = QueryHelpers.AddQueryString(settings.AuthorizeUrl, new Dictionary<string, string?>
        {
            ["client_id"] = settings.ClientId,
            ["scope"] = string.Join(',', BotScopes),
            ["redirect_uri"] = settings.RedirectUri,
            ["state"] = states.Issue(workspace),
        });
        LogStarted(workspace);
        return new Uri(url);
    }

    /// <summary>Completes an install from the callback's query; never throws for anything the browser or Slack sent.</summary>
    public async Task<SlackInstallOutcome> CompleteAsync(string? code, string? state, string? error, CancellationToken cancellationToken)
    {
        var reading = states.Read(state);
        switch (reading)
        {
            case SlackInstallStateReading.Invalid:
                LogRefused("invalid_state");
                return SlackInstallOutcome.Refused(400, "invalid_state", "This install link is not valid",
                    "The callback's state is missing, altered, or was not issued by this IngestLayer. Start the install again from /slack/install.");
            case SlackInstallStateReading.Expired expired:
                LogRefused("expired_state");
                return SlackInstallOutcome.Refused(400, "expired_state", "This install link has expired",
                    $"An install must be completed within {SlackInstallState.Lifetime.TotalMinutes:0} minutes. Start again from /slack/install?workspace={expired.Workspace}.");
        }

        var valid = (SlackInstallStateReading.Valid)reading;

        // Used once whatever happens next: a denied or failed install is not to be replayed either.
        bool firstUse;
        try
        {
            firstUse = await store.TryConsumeStateAsync(valid.Nonce, valid.ExpiresAt, time.GetUtcNow(), cancellationToken);
        }
        catch (StorageUnavailableException ex)
        {
            LogStoreFailed(ex, valid.Workspace);
            return StoreUnavailable(valid.Workspace);
        }

        if (!firstUse)
        {
            LogRefused("state_reused");
            return SlackInstallOutcome.Refused(400, "state_reused", "This install link was already used",
                $"Each install link works once. Start again from /slack/install?workspace={valid.Workspace}.");
        }

        if (!string.IsNullOrEmpty(error))
        {
            LogRefused(error);
            return error == "access_denied"
                ? SlackInstallOutcome.Refused(403, error, "The install was cancelled",
                    $"Slack reports that the app was not allowed into the team (access_denied). Nothing was installed for workspace '{valid.Workspace}'.")
                : SlackInstallOutcome.Refused(400, error, "Slack did not complete the install",
                    $"Slack sent back the error '{error}'. Nothing was installed for workspace '{valid.Workspace}'.");
        }

        if (string.IsNullOrEmpty(code))
        {
            LogRefused("missing_code");
            return SlackInstallOutcome.Refused(400, "missing_code", "Slack sent no code",
                "The callback needs the code Slack adds to it. Start again from /slack/install.");
        }

        var result = await oauth.ExchangeCodeAsync(code, cancellationToken);
        if (result is SlackOAuthResult.Failed failed)
        {
            return Failure(failed, valid.Workspace);
        }

        var grant = ((SlackOAuthResult.Granted)result).Grant;
        var now = time.GetUtcNow();
        var installation = new SlackInstallation(
            valid.Workspace,
            Guid.NewGuid(),
            grant.TeamId,
            grant.TeamName,
            grant.AppId,
            grant.BotUserId,
            grant.Scopes,
            protector.Protect(grant.BotToken),
            grant.RefreshToken is null ? null : protector.Protect(grant.RefreshToken),
            grant.ExpiresIn is { } lifetime ? now + lifetime : null,
            TokenVersion: 0,
            InstalledAt: now);
        try
        {
            await store.SaveAsync(installation, cancellationToken);
        }
        catch (StorageUnavailableException ex)
        {
            LogStoreFailed(ex, valid.Workspace);
            return StoreUnavailable(valid.Workspace);
        }

        tokens.Forget(valid.Workspace);
        LogInstalled(valid.Workspace, grant.TeamId, grant.TeamName, grant.Scopes, grant.RefreshToken is not null);
        return new SlackInstallOutcome.Installed(valid.Workspace, grant.TeamId, grant.TeamName, grant.Scopes);
    }

    private static SlackInstallOutcome StoreUnavailable(string workspace) => SlackInstallOutcome.Refused(503, "store_unavailable",
        "The installation could not be saved",
        $"IngestLayer could not reach its database just now; nothing was installed. Start again from /slack/install?workspace={workspace} in a moment.");

    private SlackInstallOutcome Failure(SlackOAuthResult.Failed failed, string workspace) => failed.Error switch
    {
        "invalid_code" or "code_already_used" or "code_expired" or "invalid_grant" => SlackInstallOutcome.Refused(400, failed.Error,
            "Slack refused the authorization code",
            $"Slack answered '{failed.Error}': the code expired or was already used. Start again from /slack/install?workspace={workspace}."),
        "invalid_client_id" or "bad_client_secret" or "bad_redirect_uri" or "oauth_authorization_url_mismatch" => SlackInstallOutcome.Refused(502, failed.Error,
            "Slack refused this IngestLayer's app credentials",
            $"Slack answered '{failed.Error}'. An operator must check Slack:ClientId, Slack:ClientSecret and Slack:RedirectUri against the Slack app's settings."),
        _ when failed.SlackFailed => SlackInstallOutcome.Refused(502, failed.Error, "Slack could not be reached",
            $"Exchanging the code with Slack failed ({failed.Error}). Start again from /slack/install?workspace={workspace} in a moment."),
        _ => SlackInstallOutcome.Refused(400, failed.Error, "Slack refused the install",
            $"Slack answered '{failed.Error}'. Start again from /slack/install?workspace={workspace}."),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack install started for workspace {Workspace}")]
    private partial void LogStarted(string workspace);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack install callback refused: {Reason}")]
    private partial void LogRefused(string reason);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Slack app installed for workspace {Workspace}: team {TeamId} ({TeamName}), scopes {Scopes}, token rotation {Rotating}")]
    private partial void LogInstalled(string workspace, string teamId, string teamName, string scopes, bool rotating);

    [LoggerMessage(Level = LogLevel.Error, Message = "The Slack install of workspace {Workspace} could not use the installation store")]
    private partial void LogStoreFailed(Exception exception, string workspace);
}

/// <summary>How an install callback ended, for the page the browser is shown.</summary>
public abstract record SlackInstallOutcome
{
    private SlackInstallOutcome()
    {
    }

    public static Failed Refused(int status, string error, string title, string message) => new(status, error, title, message);

    /// <summary>Installed: the page names the Slack team.</summary>
    public sealed record Installed(string Workspace, string TeamId, string TeamName, string Scopes) : SlackInstallOutcome;

    /// <summary>Nothing installed; <paramref name="Status"/> is the page's HTTP status (4xx, or 502/503 when Slack or the store failed).</summary>
    public sealed record Failed(int Status, string Error, string Title, string Message) : SlackInstallOutcome;
}
