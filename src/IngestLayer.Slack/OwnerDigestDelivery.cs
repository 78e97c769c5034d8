using IngestLayer.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Slack;

/// <summary>
/// The daily digest half of the delivery worker. Claimed alerts of an owner in <c>daily_digest</c> mode are held
/// instead of sent; every <see cref="CheckInterval"/> the owners with held alerts are looked at: an owner back on
/// live alerts gets them released (sent live), an owner past their digest time gets one digest of what was held
/// before it. The outbox opens each (workspace, owner, local day) digest at most once, across hosts and restarts.
/// Used by the worker loop only, so not thread-safe.
/// </summary>
internal sealed partial class OwnerDigestDelivery(
    IAlertOutbox outbox,
    IOwnerPreferenceStore preferences,
    SlackPoster slack,
    OwnerDigestRenderer renderer,
    IOptionsMonitor<SlackOptions> options,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Digest times are minutes, so a quarter-minute check is prompt without querying every loop.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(15);

    // One attempt (three tries of at most 10 s plus short waits) with room to spare; after it, another worker may take the digest.
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private const int MaxRetriedDigests = 10;

    private DateTimeOffset _nextCheck = DateTimeOffset.MinValue;

    /// <summary>Holds the entries whose owner takes a daily digest; returns the ones to deliver live, in order.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> HoldDigestAlertsAsync(IReadOnlyList<OutboxEntry> due, CancellationToken cancellationToken)
    {
        if (due.Count == 0)
        {
            return due;
        }

        // Read per batch, not cached: a preference changed through any host applies to the next alert claimed.
        var modes = new Dictionary<WorkspaceOwner, OwnerDeliveryMode>();
        var live = new List<OutboxEntry>(due.Count);
        foreach (var entry in due)
        {
            var alert = entry.Alert;

            // A pipeline's messages are a route an operator set up (a channel, a throttle), not the owner's signals:
            // the owner's digest preference does not hold them.
            if (string.IsNullOrEmpty(alert.Owner) || alert.Signal == Contracts.AlertSignals.Pipeline)
            {
                live.Add(entry);
                continue;
            }

            var owner = new WorkspaceOwner(alert.Workspace, alert.Owner);
            if (!modes.TryGetValue(owner, out var mode))
            {
                modes[owner] = mode = (await preferences.GetAsync(owner.Workspace, owner.Owner, cancellationToken))?.Mode ?? OwnerDeliveryMode.Live;
            }

            if (mode == OwnerDeliveryMode.DailyDigest)
            {
                await outbox.HoldForDigestAsync(alert.AlertId, time.GetUtcNow(), cancellationToken);
                LogHeld(alert.AlertId, alert.Owner);
            }
            else
            {
                live.Add(entry);
            }
        }

        return live;
    }

    /// <summary>Releases, opens and sends what is due; does nothing until <see cref="CheckInterval"/> has passed since the last check.</summary>
    public async Task RunDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now < _nextCheck)
        {
            return;
        }

        _nextCheck = now + CheckInterval;
        foreach (var owner in await outbox.ListHeldOwnersAsync(cancellationToken))
        {
            var stored = await preferences.GetAsync(owner.Workspace, owner.Owner, cancellationToken);
            if (stored is not { Mode: OwnerDeliveryMode.DailyDigest })
            {
                // Back on live alerts: what was held goes out now, on its own, like any other alert.
                var released = await outbox.ReleaseHeldAsync(owner, now, cancellationToken);
                LogReleased(released, owner.Owner, owner.Workspace);
                continue;
            }

            var zone = OwnerPreferences.FindTimeZone(stored.TimeZone) ?? TimeZoneInfo.Utc;
            var (day, dueAt) = DigestSchedule.LatestDue(now, stored.DigestTime, zone);
            var digest = await outbox.OpenDigestAsync(new OwnerDigestKey(owner.Workspace, owner.Owner, day), dueAt, now, Lease, cancellationToken);
            if (digest is not null)
            {
                await SendAsync(digest, stored.Channel, cancellationToken);
            }
        }

        // Digests whose attempt is due again, or whose worker stopped mid-attempt (its lease ran out).
        foreach (var digest in await outbox.ClaimDueDigestsAsync(MaxRetriedDigests, now, Lease, cancellationToken))
        {
            var stored = await preferences.GetAsync(digest.Key.Workspace, digest.Key.Owner, cancellationToken);
            await SendAsync(digest, stored?.Channel, cancellationToken);
        }
    }

    private async Task SendAsync(OwnerDigest digest, string? channelOverride, CancellationToken cancellationToken)
    {
        var key = digest.Key;
        DeliveryOutcome outcome;
        if (digest.Alerts.Count == 0)
        {
            outcome = new DeliveryOutcome(AlertDeliveryStatus.Failed, null, Error: "no_alerts",
                Hint: "Every alert of this digest was retried on its own meanwhile; nothing was left to send.");
        }
        else
        {
            var settings = options.CurrentValue;

            // The owner's chosen channel, else where their latest alert was going, else the default.
            var alertChannel = digest.Alerts.Select(e => e.Alert.Channel).LastOrDefault(c => !string.IsNullOrWhiteSpace(c));
            var channel = new[] { channelOverride, alertChannel, settings.DefaultChannel }.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c));
            outcome = await AttemptAsync(digest, channel, cancellationToken);
        }

        LogDigestOutcome(key.Owner, key.LocalDate, digest.Alerts.Count, outcome.Status, outcome.Channel, outcome.SlackTs, outcome.Error);

        // Not the stopping token: a digest already posted must be recorded as sent, or it would be posted again.
        await outbox.CompleteDigestAsync(key, outcome, CancellationToken.None);
    }

    private async Task<DeliveryOutcome> AttemptAsync(OwnerDigest digest, string? channel, CancellationToken cancellationToken)
    {
        if (!await slack.CanPostAsync(digest.Key.Workspace, cancellationToken))
        {
            LogDevInbox(digest.Key.Owner, digest.Key.LocalDate, digest.Alerts.Count, channel ?? "(none)");
            return new DeliveryOutcome(AlertDeliveryStatus.DevInbox, channel);
        }

        if (channel is null)
        {
            return new DeliveryOutcome(AlertDeliveryStatus.Failed, null, Error: "no_channel", Hint: SlackErrorHints.NoChannel);
        }

        try
        {
            var message = renderer.Render(digest.Key.Owner, digest.Key.LocalDate, [.. digest.Alerts.Select(e => e.Alert)], channel);
            var result = await slack.PostAsync(digest.Key.Workspace, message, cancellationToken);
            return AlertDeliveryPolicy.Decide(digest.Attempts, channel, result, time.GetUtcNow());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down mid-attempt: the lease runs out and the digest is attempted again.
            throw;
        }
        catch (Exception ex)
        {
            LogDigestThrew(ex, digest.Key.Owner, digest.Key.LocalDate);
            return AlertDeliveryPolicy.Retry(digest.Attempts, channel, $"unexpected_error: {ex.GetType().Name}", time.GetUtcNow());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} held for the daily digest of {Owner}")]
    private partial void LogHeld(string alertId, string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} held alert(s) of {Owner} in workspace {Workspace} released: the owner is on live alerts")]
    private partial void LogReleased(int count, string owner, string workspace);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Daily digest of {Owner} for {Day} ({Count} alert(s)): {Status} to {Channel} as {SlackTs} {Error}")]
    private partial void LogDigestOutcome(string owner, DateOnly day, int count, AlertDeliveryStatus status, string? channel, string? slackTs, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dev inbox (no Slack:BotToken): daily digest of {Owner} for {Day}, {Count} alert(s), to {Channel}")]
    private partial void LogDevInbox(string owner, DateOnly day, int count, string channel);

    [LoggerMessage(Level = LogLevel.Error, Message = "Posting the daily digest of {Owner} for {Day} threw; it will be retried")]
    private partial void LogDigestThrew(Exception exception, string owner, DateOnly day);
}
