using System.Globalization;
using IngestLayer.Contracts;
using IngestLayer.Gateway.Endpoints;
using IngestLayer.Slack;
using IngestLayer.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace IngestLayer.Gateway.SlackApp;

/// <summary>
/// Handles clicks on an alert's buttons (<see cref="AlertActions"/>): Acknowledge records who acknowledged the alert on
/// its account; Snooze silences the alert's rule on the account for <see cref="AlertActions.SnoozeFor"/> (its alerts are
/// then recorded as snoozed, not sent); then the message is updated to say who did it and when. The account is written
/// before Slack is answered, within <see cref="Budget"/>; the message update follows off the request path.
/// </summary>
public sealed partial class AlertInteractions(
    IGrainFactory grains,
    SlackTeamWorkspaces workspaces,
    SlackMessageUpdater updates,
    TimeProvider time,
    ILogger<AlertInteractions> logger)
{
    /// <summary>How long the account write may take before Slack is told it failed (Slack gives up at 3 s).</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    /// <summary>Null when handled (or nothing to do: another kind of interaction, the Open account link); else the problem.</summary>
    public async Task<ProblemHttpResult?> HandleAsync(SlackRequest request, CancellationToken cancellationToken)
    {
        var json = request.Field("payload");
        if (json.Length == 0)
        {
            return Problems.BadRequest("Invalid interaction", "Slack sends an interaction as the JSON form field 'payload'; it is missing.");
        }

        if (BlockActionsPayload.TryParse(json) is not { } payload)
        {
            return Problems.BadRequest("Invalid interaction", "'payload' is not a block_actions interaction: it needs a type, an action with an action_id and a user with an id.");
        }

        if (payload.Type != BlockActionsPayload.BlockActions || payload.ActionId is not (AlertActions.Acknowledge or AlertActions.Snooze))
        {
            return null; // the Open account link (Slack reports URL buttons too), or an interaction this app does not offer
        }

        if (AlertReference.TryDecode(payload.Value) is not { } alert)
        {
            return Problems.BadRequest("Invalid interaction", "The button's value does not name an IngestLayer alert.");
        }

        var now = time.GetUtcNow();
        var account = grains.GetGrain<IAccountGrain>(GrainKeys.Account(alert.Workspace, alert.AccountId));
        string status;
        try
        {
            if (!await workspaces.AllowsAsync(payload.TeamId, alert.Workspace, cancellationToken))
            {
                return Problems.Forbidden($"Workspace '{alert.Workspace}' is installed in another Slack team; its alerts can only be acted on from there.");
            }

            if (payload.ActionId == AlertActions.Acknowledge)
            {
                var remembered = await account.AcknowledgeAsync(alert.AlertId, payload.UserName, now).WaitAsync(Budget, cancellationToken);
                LogAcknowledged(alert.Workspace, alert.AccountId, alert.AlertId, payload.UserId, remembered);
                status = $":white_check_mark: Acknowledged by <@{payload.UserId}> {When(now)}";
            }
            else
            {
                var until = now + AlertActions.SnoozeFor;
                await account.SnoozeAsync(alert.Rule, until).WaitAsync(Budget, cancellationToken);
                LogSnoozed(alert.Workspace, alert.AccountId, alert.Rule, until, payload.UserId);
                status = $":zzz: Snoozed by <@{payload.UserId}> {When(now)}: `{SlackMarkup.EscapeMrkdwn(alert.Rule, 200)}` stays quiet for this account until {When(until)}";
            }
        }
        catch (TimeoutException)
        {
            LogTooSlow(alert.Workspace, alert.AccountId, payload.ActionId);
            return Problems.Unavailable($"The account did not answer within {Budget.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; click again.");
        }
        catch (Exception ex) when (ex is StorageUnavailableException or OrleansException)
        {
            LogFailed(ex, alert.Workspace, alert.AccountId, payload.ActionId);
            return Problems.Unavailable("The account could not be written just now (the store or the cluster is unavailable); click again.");
        }

        if (payload.ChannelId is { } channel && payload.MessageTs is { } ts && payload.MessageBlocks is { } blocks)
        {
            updates.Enqueue(alert.Workspace, new SlackMessageUpdate(channel, ts, payload.MessageText ?? "IngestLayer alert", AlertStatusBlocks.WithStatus(blocks, status)));
        }

        return null;
    }

    private static string When(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return $"<!date^{utc.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}^{{date_short_pretty}} at {{time}}|{utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}>";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} of account {Workspace}/{AccountId} acknowledged in Slack by {SlackUser} (remembered: {Remembered})")]
    private partial void LogAcknowledged(string workspace, string accountId, string alertId, string slackUser, bool remembered);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rule {Rule} snoozed on account {Workspace}/{AccountId} until {Until:O} from Slack by {SlackUser}")]
    private partial void LogSnoozed(string workspace, string accountId, string rule, DateTimeOffset until, string slackUser);

    [LoggerMessage(Level = LogLevel.Error, Message = "Slack action {ActionId} on account {Workspace}/{AccountId} failed; Slack was told it failed")]
    private partial void LogFailed(Exception exception, string workspace, string accountId, string actionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack action {ActionId} on account {Workspace}/{AccountId} timed out; Slack was told it failed")]
    private partial void LogTooSlow(string workspace, string accountId, string actionId);
}
