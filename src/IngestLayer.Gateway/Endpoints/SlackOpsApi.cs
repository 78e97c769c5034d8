using IngestLayer.Slack;
using IngestLayer.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>
/// <c>/ops/slack</c> (admin token): the Slack installations (never their tokens) and a workspace's channels, so an
/// operator can pick a channel per pipeline or owner.
/// </summary>
public static class SlackOpsApi
{
    /// <summary>An installation as the ops API shows it: who, what was granted, whether it still works. No tokens.</summary>
    public sealed record InstallationResponse(
        string Workspace,
        string TeamId,
        string TeamName,
        string? AppId,
        string? BotUserId,
        IReadOnlyList<string> Scopes,
        bool Active,
        DateTimeOffset InstalledAt,
        DateTimeOffset? DeactivatedAt,
        string? DeactivatedReason,
        bool TokenRotation,
        DateTimeOffset? TokenExpiresAt)
    {
        public static InstallationResponse From(SlackInstallation i) => new(
            i.Workspace, i.TeamId, i.TeamName, i.AppId, i.BotUserId,
            i.Scopes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            i.Active, i.InstalledAt, i.DeactivatedAt, i.DeactivatedReason, i.ProtectedRefreshToken is not null, i.TokenExpiresAt);
    }

    /// <summary>Every installation, and whether <c>Slack:BotToken</c> covers the workspaces without one.</summary>
    public sealed record InstallationsResponse(IReadOnlyList<InstallationResponse> Installations, bool FallbackBotToken);

    public sealed record ChannelsResponse(string Workspace, IReadOnlyList<SlackChannel> Channels);

    public static IEndpointRouteBuilder MapSlackOpsApi(this IEndpointRouteBuilder app)
    {
        var ops = app.MapGroup("/ops/slack").WithTags("Slack").AddEndpointFilter<AdminTokenFilter>();
        ops.MapGet("/installations", ListInstallationsAsync).WithName("ListSlackInstallations")
            .WithSummary("The Slack app's installations per workspace: team, bot, scopes, active, installed at. Never tokens.");
        ops.MapGet("/channels", ListChannelsAsync).WithName("ListSlackChannels")
            .WithSummary("The public and private channels the workspace's bot can see (conversations.list, every page).");
        return app;
    }

    private static async Task<Results<Ok<InstallationsResponse>, ProblemHttpResult>> ListInstallationsAsync(
        ISlackInstallationStore store, IOptionsMonitor<SlackOptions> slack, CancellationToken cancellationToken)
    {
        try
        {
            var installations = await store.ListAsync(cancellationToken);
            return TypedResults.Ok(new InstallationsResponse([.. installations.Select(InstallationResponse.From)], slack.CurrentValue.HasBotToken));
        }
        catch (StorageUnavailableException)
        {
            return Problems.Unavailable("The Slack installations cannot be read just now (the database is unreachable); try again shortly.");
        }
    }

    private static async Task<Results<Ok<ChannelsResponse>, ProblemHttpResult>> ListChannelsAsync(
        string? workspace, ISlackTokenSource tokens, SlackClient client, HttpResponse response, CancellationToken cancellationToken)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        SlackCredential? credential;
        try
        {
            credential = await tokens.GetAsync(workspace, cancellationToken);
        }
        catch (StorageUnavailableException)
        {
            return Problems.Unavailable("The workspace's Slack installation cannot be read just now (the database is unreachable); try again shortly.");
        }

        switch (credential)
        {
            case null:
                return Problems.NotFound(
                    $"Workspace '{workspace}' has no Slack installation and Slack:BotToken is not set: install the app via GET /slack/install?workspace={workspace}.");
            case SlackCredential.Unusable unusable:
                return Problems.Conflict("Slack installation unusable", $"{unusable.Error}: {unusable.Detail}");
            case SlackCredential.Unavailable unavailable:
                return SlackFailed($"The workspace's Slack token could not be refreshed just now ({unavailable.Error}); try again shortly.");
            case SlackCredential.Token token:
                var listed = await client.ListChannelsAsync(token.Value, "public_channel,private_channel", cancellationToken);
                switch (listed.Failure)
                {
                    case null:
                        return TypedResults.Ok(new ChannelsResponse(workspace, [.. listed.Channels!.OrderBy(c => c.Name, StringComparer.Ordinal)]));
                    case SlackPostResult.RateLimited limited:
                        response.Headers.RetryAfter = ((int)Math.Ceiling(limited.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                        return TypedResults.Problem("Slack rate limited conversations.list; try again after the Retry-After.",
                            statusCode: StatusCodes.Status503ServiceUnavailable, title: "Slack rate limited");
                    case SlackPostResult.Permanent { Error: var error } when SlackTokenSource.DeadTokenErrors.Contains(error):
                        await tokens.ReportRejectedAsync(token, error, cancellationToken);
                        return Problems.Conflict("Slack installation unusable",
                            $"Slack answered {error}: the installation is now inactive. Reinstall via GET /slack/install?workspace={workspace}.");
                    case SlackPostResult.Permanent { Error: "missing_scope" }:
                        return Problems.Conflict("Slack scope missing",
                            $"The bot may not list channels (missing_scope): reinstall via GET /slack/install?workspace={workspace} to grant channels:read.");
                    case SlackPostResult.Permanent permanent:
                        return SlackFailed($"Slack refused conversations.list: {permanent.Error}.");
                    case SlackPostResult.Transient transient:
                        return SlackFailed($"Slack could not be reached or failed ({transient.Error}); try again shortly.");
                }

                break;
        }

        throw new InvalidOperationException("Unknown Slack credential or result.");
    }

    // Slack failed, not the request: a gateway error naming it.
    private static ProblemHttpResult SlackFailed(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status502BadGateway, title: "Slack failed");
}
