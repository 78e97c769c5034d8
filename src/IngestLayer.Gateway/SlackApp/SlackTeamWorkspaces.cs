using IngestLayer.Slack;
using IngestLayer.Storage;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.SlackApp;

/// <summary>
/// Which IngestLayer workspace a Slack team's requests act on; the one place that decides it. A team the app was
/// installed to (<c>/slack/install</c>) maps to the workspace of its active installation (to <c>Slack:Workspace</c> when
/// that is one of several); a team with none, as with a single <c>Slack:BotToken</c>, maps to <c>Slack:Workspace</c>.
/// </summary>
public sealed class SlackTeamWorkspaces(ISlackInstallationStore installations, IOptionsMonitor<SlackOptions> options)
{
    /// <summary>The workspace the Slack team <paramref name="teamId"/>'s slash commands read.</summary>
    public async ValueTask<string> ForTeamAsync(string teamId, CancellationToken cancellationToken)
    {
        var fallback = options.CurrentValue.Workspace;
        var installed = (await installations.ListAsync(cancellationToken))
            .Where(i => i.Active && i.TeamId == teamId)
            .Select(i => i.Workspace)
            .ToList();
        return installed.Count == 0 || installed.Contains(fallback) ? fallback : installed[0];
    }

    /// <summary>
    /// Whether someone in Slack team <paramref name="teamId"/> may act on alerts of <paramref name="workspace"/>: not when
    /// the workspace's app is installed to another team (its alerts were never posted in this one).
    /// </summary>
    public async ValueTask<bool> AllowsAsync(string teamId, string workspace, CancellationToken cancellationToken) =>
        await installations.GetAsync(workspace, cancellationToken) is not { Active: true } installation || installation.TeamId == teamId;
}
