using IngestLayer.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Slack;

/// <summary>
/// Delivers the outbox's due alerts to Slack, one at a time in the order they fired, and records how
/// each attempt went. Without a bot token alerts go to the dev inbox: the log.
/// </summary>
public sealed partial class AlertDeliveryService(
    IAlertOutbox outbox,
    SlackClient slack,
    AlertMessageRenderer renderer,
    IOptionsMonitor<SlackOptions> options,
    TimeProvider time,
    ILogger<AlertDeliveryService> logger) : BackgroundService
{
    private const int BatchSize = 20;

    // Longer than one attempt can take (three tries of at most 10 s plus short waits), so no other
    // worker takes an alert that is still in flight.
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var due = await outbox.ClaimDueAsync(BatchSize, time.GetUtcNow(), Lease, stoppingToken);
                foreach (var entry in due)
                {
                    await DeliverAsync(entry, stoppingToken);
                }

                // A full batch means more may be due already.
                if (due.Count < BatchSize)
                {
                    await outbox.WaitForWorkAsync(IdleWait, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The outbox itself failed (e.g. its database is down): log, pause, and keep the worker alive.
                LogLoopFailed(ex);
                await PauseAsync(stoppingToken);
            }
        }
    }

    private async Task DeliverAsync(OutboxEntry entry, CancellationToken stoppingToken)
    {
        var alert = entry.Alert;
        var settings = options.CurrentValue;
        var channel = FirstNonBlank(alert.Channel, settings.DefaultChannel);
        DeliveryOutcome outcome;
        try
        {
            outcome = await AttemptAsync(entry, channel, settings, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-attempt: the lease runs out and the alert is attempted again.
            throw;
        }
        catch (Exception ex)
        {
            LogAttemptFailed(ex, alert.AlertId);
            outcome = AlertDeliveryPolicy.Retry(entry, channel, $"unexpected_error: {ex.GetType().Name}", time.GetUtcNow());
        }

        LogOutcome(alert.AlertId, outcome);

        // Not the stopping token: a message already posted must be recorded as sent, or it would be posted again.
        await outbox.CompleteAttemptAsync(alert.AlertId, outcome, CancellationToken.None);
    }

    private async Task<DeliveryOutcome> AttemptAsync(OutboxEntry entry, string? channel, SlackOptions settings, CancellationToken cancellationToken)
    {
        var alert = entry.Alert;
        if (!settings.HasBotToken)
        {
            LogDevInbox(alert.AlertId, alert.Signal, alert.AccountId, channel ?? "(none)", alert.Explanation);
            return new DeliveryOutcome(AlertDeliveryStatus.DevInbox, channel);
        }

        if (channel is null)
        {
            return new DeliveryOutcome(AlertDeliveryStatus.Failed, null, Error: "no_channel", Hint: SlackErrorHints.NoChannel);
        }

        var result = await slack.PostMessageAsync(renderer.Render(alert, channel), cancellationToken);
        return AlertDeliveryPolicy.Decide(entry, channel, result, time.GetUtcNow());
    }

    private void LogOutcome(string alertId, DeliveryOutcome outcome)
    {
        switch (outcome.Status)
        {
            case AlertDeliveryStatus.Sent:
                LogSent(alertId, outcome.Channel, outcome.SlackTs);
                break;
            case AlertDeliveryStatus.Retrying:
                LogRetrying(alertId, outcome.Error, outcome.NextAttemptAt);
                break;
            case AlertDeliveryStatus.Failed:
                LogFailed(alertId, outcome.Error, outcome.Hint);
                break;
        }
    }

    private async Task PauseAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(IdleWait, time, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; the loop condition ends the worker.
        }
    }

    private static string? FirstNonBlank(params ReadOnlySpan<string?> values)
    {
        foreach (var value in values)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Dev inbox (no Slack:BotToken): alert {AlertId} {Signal} for account {AccountId} to {Channel}: {Explanation}")]
    private partial void LogDevInbox(string alertId, string signal, string accountId, string channel, string explanation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} sent to Slack channel {Channel} as {SlackTs}")]
    private partial void LogSent(string alertId, string? channel, string? slackTs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} not delivered ({Error}); retrying at {NextAttemptAt:O}")]
    private partial void LogRetrying(string alertId, string? error, DateTimeOffset? nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert {AlertId} failed: {Error}. {Hint}")]
    private partial void LogFailed(string alertId, string? error, string? hint);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering alert {AlertId} threw; it will be retried")]
    private partial void LogAttemptFailed(Exception exception, string alertId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The alert delivery loop failed; pausing before the next round")]
    private partial void LogLoopFailed(Exception exception);
}
