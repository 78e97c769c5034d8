using IngestLayer.Slack;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.SlackApp;

/// <summary>
/// Which IngestLayer workspace a Slack team's slash commands read. The one place that decides it: today every team
/// maps to <c>Slack:Workspace</c> (default <c>default</c>), the single-workspace setup a <c>Slack:BotToken</c> serves.
/// </summary>
public sealed class SlackTeamWorkspaces(IOptionsMonitor<SlackOptions> options)
{
    /// <summary>The workspace of the Slack team <paramref name="teamId"/>.</summary>
#pragma warning disable IDE0060 // The team will pick the installation's workspace once installations are stored per team.
    public ValueTask<string> ForTeamAsync(string teamId, CancellationToken cancellationToken) => ValueTask.FromResult(options.CurrentValue.Workspace);
#pragma warning restore IDE0060
}
