using IngestLayer.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Slack;

/// <summary>
/// Delivers the outbox's due alerts to Slack, one at a time in the order they fired, and records how
/// each attempt went. Beyond <see cref="SlackOptions.ChannelBudgetPerMinute"/> alerts for one channel in a
/// minute, the rest are held and posted as one digest when the minute ends (see <see cref="ChannelBudget"/>).
/// Alerts of owners who take a daily digest are held and summarised once a day (see <see cref="OwnerDigestDelivery"/>).
/// Without a bot token alerts go to the dev inbox: the log.
/// </summary>
public sealed partial class AlertDeliveryService(
    IAlertOutbox outbox,
    SlackPoster slack,
    AlertMessageRenderer renderer,
    AlertDigestRenderer digestRenderer,
    IOwnerPreferenceStore preferences,
    OwnerDigestRenderer ownerDigestRenderer,
    IOptionsMonitor<SlackOptions> options,
    TimeProvider time,
    ILogger<AlertDeliveryService> logger,
    AlertThreads threads) : BackgroundService
{
    private const int BatchSize = 20;

    // Longer than an alert can be held for a digest (one budget window) plus one attempt (three tries of
    // at most 10 s plus short waits), so no other worker takes an alert that is held or in flight.
    private static readonly TimeSpan Lease = ChannelBudget.Window + TimeSpan.FromMinutes(2);
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(1);

    private readonly ChannelBudget _budget = new();
    private readonly OwnerDigestDelivery _ownerDigests = new(outbox, preferences, slack, ownerDigestRenderer, options, time, logger);

    // Alerts whose digest is being retried: when due again they go out as a digest again, not on their own
    // (which would spend the budget on retries). Only this worker knows; after a restart they count afresh.
    private readonly HashSet<string> _digestRetries = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var (key, held) in _budget.TakeEndedDigests(time.GetUtcNow()))
                {
                    foreach (var (channel, entries) in DigestsOf(key, held))
                    {
                        await DeliverDigestAsync(channel, entries, stoppingToken);
                    }
                }

                await _ownerDigests.RunDueAsync(stoppingToken);

                var due = await outbox.ClaimDueAsync(BatchSize, time.GetUtcNow(), Lease, stoppingToken);
                await DeliverBatchAsync(await _ownerDigests.HoldDigestAlertsAsync(due, stoppingToken), stoppingToken);

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

    private async Task DeliverBatchAsync(IReadOnlyList<OutboxEntry> due, CancellationToken stoppingToken)
    {
        var settings = options.CurrentValue;
        var retriedDigests = new Dictionary<string, List<OutboxEntry>>(StringComparer.Ordinal);
        foreach (var entry in due)
        {
            var channel = FirstNonBlank(entry.Alert.Channel, settings.DefaultChannel);

            // Without a token or a channel nothing is posted, so there is nothing to budget.
            if (channel is null || !await slack.CanPostAsync(entry.Alert.Workspace, stoppingToken))
            {
                await DeliverAsync(entry, stoppingToken);
            }
            else if (_digestRetries.Contains(entry.Alert.AlertId))
            {
                if (!retriedDigests.TryGetValue(channel, out var group))
                {
                    retriedDigests[channel] = group = [];
                }

                group.Add(entry);
            }
            else if (entry.Alert.ThrottlePerMinute is { } throttle && !_budget.TryPostSingle(PipelineKey(entry.Alert), entry, throttle, time.GetUtcNow()))
            {
                // Past its pipeline's throttle: held until the pipeline's minute ends, then in its channel's digest.
                LogHeldForDigest(entry.Alert.AlertId, channel);
            }
            else if (_budget.TryPostSingle(channel, entry, settings.ChannelBudgetPerMinute, time.GetUtcNow()))
            {
                await DeliverAsync(entry, stoppingToken);
            }
            else
            {
                // Held under its lease until the channel's window ends; then it goes out in the digest.
                LogHeldForDigest(entry.Alert.AlertId, channel);
            }
        }

        foreach (var (channel, entries) in retriedDigests)
        {
            await DeliverDigestAsync(channel, entries, stoppingToken);
        }
    }

    // A pipeline's throttle is a budget window of its own, keyed so it can never collide with a channel name. Its
    // deliveries may go to several channels (an owner's own channel each), so what it held goes out as one digest per channel.
    private const string PipelinePrefix = "\u0001pipeline\n";

    private static string PipelineKey(Contracts.Alert alert) => PipelinePrefix + alert.Workspace + "/" + alert.Rule;

    private IEnumerable<(string Channel, IReadOnlyList<OutboxEntry> Entries)> DigestsOf(string key, IReadOnlyList<OutboxEntry> held)
    {
        if (!key.StartsWith(PipelinePrefix, StringComparison.Ordinal))
        {
            return [(key, held)];
        }

        var fallback = options.CurrentValue.DefaultChannel;
        return held
            .GroupBy(e => FirstNonBlank(e.Alert.Channel, fallback) ?? "", StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<OutboxEntry>)[.. g]));
    }

    private async Task DeliverDigestAsync(string channel, IReadOnlyList<OutboxEntry> entries, CancellationToken stoppingToken)
    {
        // One channel name may be in several workspaces' Slack teams: each workspace's alerts go with its own bot.
        foreach (var workspace in entries.GroupBy(e => e.Alert.Workspace, StringComparer.Ordinal))
        {
            await DeliverDigestAsync(workspace.Key, channel, [.. workspace], stoppingToken);
        }
    }

    private async Task DeliverDigestAsync(string workspace, string channel, IReadOnlyList<OutboxEntry> entries, CancellationToken stoppingToken)
    {
        if (!await slack.CanPostAsync(workspace, stoppingToken))
        {
            // The token was removed while these were held: they go to the dev inbox like any other alert.
            foreach (var entry in entries)
            {
                await DeliverAsync(entry, stoppingToken);
            }

            return;
        }

        SlackPostResult? result = null;
        Exception? failure = null;
        try
        {
            var message = digestRenderer.Render([.. entries.Select(e => e.Alert)], channel);
            result = await slack.PostAsync(workspace, message, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-attempt: the leases run out and the alerts are attempted again.
            throw;
        }
        catch (Exception ex)
        {
            LogDigestFailed(ex, channel, entries.Count);
            failure = ex;
        }

        LogDigestAttempted(channel, entries.Count, result?.GetType().Name ?? "exception");
        var now = time.GetUtcNow();
        foreach (var entry in entries)
        {
            // Each alert records the digest's outcome as its own attempt: sent with the digest's ts, or
            // retried (honouring Retry-After) and failed exactly as a single alert would be.
            var outcome = result is null
                ? AlertDeliveryPolicy.Retry(entry, channel, $"unexpected_error: {failure!.GetType().Name}", now)
                : AlertDeliveryPolicy.Decide(entry, channel, result, now);
            if (outcome.Status == AlertDeliveryStatus.Retrying)
            {
                _digestRetries.Add(entry.Alert.AlertId);
            }
            else
            {
                _digestRetries.Remove(entry.Alert.AlertId);
            }

            LogOutcome(entry.Alert.AlertId, outcome);

            // Not the stopping token: a digest already posted must be recorded as sent, or it would be posted again.
            await outbox.CompleteAttemptAsync(entry.Alert.AlertId, outcome, CancellationToken.None);
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
            outcome = await AttemptAsync(entry, channel, stoppingToken);
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

    private async Task<DeliveryOutcome> AttemptAsync(OutboxEntry entry, string? channel, CancellationToken cancellationToken)
    {
        var alert = entry.Alert;
        if (!await slack.CanPostAsync(alert.Workspace, cancellationToken))
        {
            LogDevInbox(alert.AlertId, alert.Signal, alert.AccountId, channel ?? "(none)", alert.Explanation);
            return new DeliveryOutcome(AlertDeliveryStatus.DevInbox, channel);
        }

        if (channel is null)
        {
            return new DeliveryOutcome(AlertDeliveryStatus.Failed, null, Error: "no_channel", Hint: SlackErrorHints.NoChannel);
        }

        // A follow-up of the day goes into the thread its account's first alert started in this channel.
        var thread = await threads.FindAsync(alert, channel, cancellationToken);
        var message = renderer.Render(alert, thread?.ChannelId ?? channel, AlertActions.For(alert, options.CurrentValue)) with { ThreadTs = thread?.Ts };
        var result = await slack.PostAsync(alert.Workspace, message, cancellationToken);
        await threads.RememberAsync(alert, channel, thread, result);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} is over Slack:ChannelBudgetPerMinute for {Channel}; held for the channel's digest")]
    private partial void LogHeldForDigest(string alertId, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest of {Count} alert(s) for {Channel} attempted: {Result}")]
    private partial void LogDigestAttempted(string channel, int count, string result);

    [LoggerMessage(Level = LogLevel.Error, Message = "Posting the digest of {Count} alert(s) for {Channel} threw; they will be retried")]
    private partial void LogDigestFailed(Exception exception, string channel, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The alert delivery loop failed; pausing before the next round")]
    private partial void LogLoopFailed(Exception exception);
}
