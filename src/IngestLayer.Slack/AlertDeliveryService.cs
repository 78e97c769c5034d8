using IngestLayer.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Slack;

/// <summary>
/// Delivers the outbox's due alerts to Slack, in the order they fired, and records how each attempt went. Each channel
/// has a lane (<see cref="ChannelLane"/>): at most one message a second, none while Slack's <c>Retry-After</c> runs, and
/// <see cref="SlackOptions.ChannelBudgetPerMinute"/> messages a minute, beyond which what waits goes out as one digest.
/// Lanes send concurrently (one message in flight per channel), so a paced, paused or slow channel never holds up
/// another. A pipeline's <c>throttle_per_minute</c> holds its excess for a digest when its minute ends
/// (<see cref="PipelineThrottle"/>); alerts of owners who take a daily digest are held and summarised once a day
/// (<see cref="OwnerDigestDelivery"/>). Channels whose deliveries keep failing are reported to
/// <see cref="SlackOptions.OperatorChannel"/> and in <see cref="SlackChannelHealth"/>. Without a bot token for their workspace alerts go
/// to the dev inbox: the log.
/// </summary>
public sealed partial class AlertDeliveryService(
    IAlertOutbox outbox,
    SlackPoster slack,
    AlertMessageRenderer renderer,
    AlertDigestRenderer digestRenderer,
    IOwnerPreferenceStore preferences,
    OwnerDigestRenderer ownerDigestRenderer,
    SlackChannelHealth health,
    IOptionsMonitor<SlackOptions> options,
    TimeProvider time,
    ILogger<AlertDeliveryService> logger,
    AlertThreads threads) : BackgroundService
{
    private const int BatchSize = 20;

    // Claimed alerts wait in the lanes; past this many the worker stops claiming until they drain.
    private const int MaxQueuedAlerts = 500;

    // Posts in flight at once, each to a different channel.
    private const int MaxConcurrentSends = 4;

    // Longer than a claimed alert can wait in memory: a pipeline's window (1 min) or a lane's budget refill (at most
    // 1 min) and pacing, plus one attempt (three tries of at most 10 s plus short waits), so no other worker takes an
    // alert that is waiting or in flight. A Retry-After pause puts a lane's alerts back in the outbox instead.
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(1);

    private readonly PipelineThrottle _throttles = new();
    private readonly Dictionary<string, ChannelLane> _lanes = new(StringComparer.Ordinal);
    private readonly List<Send> _inFlight = [];
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
                await CompleteFinishedSendsAsync();

                foreach (var (key, held) in _throttles.TakeEndedDigests(time.GetUtcNow()))
                {
                    foreach (var (channel, entries) in DigestsOf(key, held))
                    {
                        await EnqueueDigestAsync(channel, entries, stoppingToken);
                    }
                }

                await _ownerDigests.RunDueAsync(stoppingToken);

                var claimed = 0;
                if (_lanes.Values.Sum(l => l.QueuedAlerts) < MaxQueuedAlerts)
                {
                    var due = await outbox.ClaimDueAsync(BatchSize, time.GetUtcNow(), Lease, stoppingToken);
                    claimed = due.Count;
                    await RouteAsync(await _ownerDigests.HoldDigestAlertsAsync(due, stoppingToken), stoppingToken);
                }

                StartDueSends(stoppingToken);

                // A full batch means more may be due already.
                if (claimed < BatchSize)
                {
                    await WaitAsync(stoppingToken);
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

        // Posts already made must be recorded as sent, or they would be posted again; the rest were cancelled and
        // their leases run out.
        await Task.WhenAll(_inFlight.Select(s => (Task)s.Post).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        await CompleteFinishedSendsAsync();
    }

    private async Task RouteAsync(IReadOnlyList<OutboxEntry> due, CancellationToken stoppingToken)
    {
        var settings = options.CurrentValue;
        var retriedDigests = new Dictionary<(string Workspace, string Channel), List<OutboxEntry>>();
        foreach (var entry in due)
        {
            var channel = FirstNonBlank(entry.Alert.Channel, settings.DefaultChannel);

            // Without a token or a channel nothing is posted, so there is nothing to pace.
            if (channel is null || !await slack.CanPostAsync(entry.Alert.Workspace, stoppingToken))
            {
                await DeliverAsync(entry, stoppingToken);
            }
            else if (_digestRetries.Contains(entry.Alert.AlertId))
            {
                if (!retriedDigests.TryGetValue((entry.Alert.Workspace, channel), out var group))
                {
                    retriedDigests[(entry.Alert.Workspace, channel)] = group = [];
                }

                group.Add(entry);
            }
            else if (entry.Alert.ThrottlePerMinute is { } throttle && !_throttles.TryPostSingle(PipelineKey(entry.Alert), entry, throttle, time.GetUtcNow()))
            {
                // Past its pipeline's throttle: held until the pipeline's minute ends, then in its channel's digest.
                LogHeldForDigest(entry.Alert.AlertId, channel);
            }
            else
            {
                await EnqueueAsync(entry.Alert.Workspace, channel, LaneJob.Single(entry));
            }
        }

        foreach (var ((workspace, channel), entries) in retriedDigests)
        {
            await EnqueueAsync(workspace, channel, LaneJob.Digest(entries));
        }
    }

    // A pipeline's throttle is a budget window of its own, keyed so it can never collide with a channel name. Its
    // deliveries may go to several channels (an owner's own channel each), so what it held goes out as one digest per channel.
    private const string PipelinePrefix = "\u0001pipeline\n";

    private static string PipelineKey(Contracts.Alert alert) => PipelinePrefix + alert.Workspace + "/" + alert.Rule;

    private IEnumerable<(string Channel, IReadOnlyList<OutboxEntry> Entries)> DigestsOf(string key, IReadOnlyList<OutboxEntry> held)
    {
        var fallback = options.CurrentValue.DefaultChannel;
        return held
            .GroupBy(e => FirstNonBlank(e.Alert.Channel, fallback) ?? "", StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<OutboxEntry>)[.. g]));
    }

    private async Task EnqueueDigestAsync(string channel, IReadOnlyList<OutboxEntry> entries, CancellationToken stoppingToken)
    {
        // One channel name may be in several workspaces' Slack teams: each workspace's alerts go with its own bot.
        foreach (var group in entries.GroupBy(e => e.Alert.Workspace, StringComparer.Ordinal))
        {
            if (channel.Length == 0 || !await slack.CanPostAsync(group.Key, stoppingToken))
            {
                // The token (or the default channel) was removed while these were held: each goes its own way, to the
                // dev inbox or failed for want of a channel.
                foreach (var entry in group)
                {
                    await DeliverAsync(entry, stoppingToken);
                }

                continue;
            }

            await EnqueueAsync(group.Key, channel, LaneJob.Digest([.. group]));
        }
    }

    // A lane per channel of each workspace's Slack team (Slack's limits are per channel).
    private ChannelLane Lane(string workspace, string channel)
    {
        var key = ChannelLane.KeyOf(workspace, channel);
        if (!_lanes.TryGetValue(key, out var lane))
        {
            _lanes[key] = lane = new ChannelLane(workspace, channel, options.CurrentValue.ChannelBudgetPerMinute, time.GetUtcNow());
        }

        return lane;
    }

    private async Task EnqueueAsync(string workspace, string channel, LaneJob job)
    {
        var lane = Lane(workspace, channel);
        if (lane.IsPaused(time.GetUtcNow()))
        {
            // Slack asked for nothing more before then: back to the outbox, due when the pause ends.
            await DeferAsync(lane, [job]);
            return;
        }

        lane.Enqueue(job);
    }

    /// <summary>Starts a post on every lane whose turn has come, up to <see cref="MaxConcurrentSends"/> at once.</summary>
    private void StartDueSends(CancellationToken stoppingToken)
    {
        var budget = options.CurrentValue.ChannelBudgetPerMinute;
        var now = time.GetUtcNow();
        foreach (var lane in _lanes.Values.ToList())
        {
            if (_inFlight.Count >= MaxConcurrentSends)
            {
                return;
            }

            if (lane.ReadyAt(now, budget) is { } ready && ready <= now)
            {
                var job = lane.Take(now, budget);
                lane.InFlight = true;
                _inFlight.Add(new Send(lane, job, PostAsync(lane, job, stoppingToken)));
            }
            else if (lane.IsIdle(now, budget))
            {
                _lanes.Remove(lane.Key);
            }
        }
    }

    // Runs concurrently with the loop (one post per lane): it reads the lane's job and touches no worker state.
    private async Task<SlackPostResult> PostAsync(ChannelLane lane, LaneJob job, CancellationToken stoppingToken)
    {
        var (workspace, channel) = (lane.Workspace, lane.Channel);
        if (job.Notice is not null)
        {
            return await slack.PostAsync(workspace, job.Notice, stoppingToken);
        }

        if (job.AsDigest)
        {
            return await slack.PostAsync(workspace, digestRenderer.Render([.. job.Entries.Select(e => e.Alert)], channel), stoppingToken);
        }

        // A follow-up of the day goes into the thread its account's first alert started in this channel.
        var alert = job.Entries[0].Alert;
        var thread = await threads.FindAsync(alert, channel, stoppingToken);
        var message = renderer.Render(alert, thread?.ChannelId ?? channel, AlertActions.For(alert, options.CurrentValue)) with { ThreadTs = thread?.Ts };
        var result = await slack.PostAsync(workspace, message, stoppingToken);
        await threads.RememberAsync(alert, channel, thread, result);
        return result;
    }

    /// <summary>Waits for new work, a post's answer, or the next lane's turn, whichever comes first.</summary>
    private async Task WaitAsync(CancellationToken stoppingToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var waits = new List<Task> { outbox.WaitForWorkAsync(IdleWait, wake.Token) };
        waits.AddRange(_inFlight.Select(s => s.Post));

        var now = time.GetUtcNow();
        if (_inFlight.Count < MaxConcurrentSends
            && _lanes.Values.Select(l => l.ReadyAt(now, options.CurrentValue.ChannelBudgetPerMinute)).Min() is { } next)
        {
            // On the worker's clock, so a test's fake clock wakes it when advanced.
            waits.Add(Task.Delay(next > now ? next - now : TimeSpan.Zero, time, wake.Token));
        }

        await Task.WhenAny(waits);
        await wake.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
    }

    /// <summary>Records the outcome of every post that has finished.</summary>
    private async Task CompleteFinishedSendsAsync()
    {
        foreach (var send in _inFlight.Where(s => s.Post.IsCompleted).ToList())
        {
            _inFlight.Remove(send);
            send.Lane.Answered(time.GetUtcNow());
            if (send.Post.IsCanceled || send.Post.Exception?.InnerException is OperationCanceledException)
            {
                // Shutting down mid-attempt: the leases run out and the alerts are attempted again.
                continue;
            }

            await CompleteAsync(send);
        }
    }

    private async Task CompleteAsync(Send send)
    {
        var (lane, job) = (send.Lane, send.Job);
        var channel = lane.Channel;
        var now = time.GetUtcNow();
        SlackPostResult? result = null;
        string error;
        if (send.Post.IsCompletedSuccessfully)
        {
            result = send.Post.Result;
            error = result switch
            {
                SlackPostResult.Transient t => t.Error,
                SlackPostResult.Permanent p => p.Error,
                _ => "",
            };
        }
        else
        {
            var ex = send.Post.Exception!.InnerException ?? send.Post.Exception;
            LogPostThrew(ex, channel, job.Entries.Count);
            error = $"unexpected_error: {ex.GetType().Name}";
        }

        if (job.Notice is not null)
        {
            LogNoticeAttempted(channel, result?.GetType().Name ?? error);
            if (result is SlackPostResult.RateLimited)
            {
                // Not in the outbox, so it waits in the lane for the pause to end.
                lane.Enqueue(job);
            }
        }
        else if (job.AsDigest)
        {
            LogDigestAttempted(channel, job.Entries.Count, result?.GetType().Name ?? "exception");
        }

        // The channel's health first, so whoever sees the alerts' outcome in the outbox also sees it there.
        IReadOnlyList<LaneJob> deferred = [];
        switch (result)
        {
            case SlackPostResult.Ok:
                RecordSuccess(lane, now);
                break;
            case SlackPostResult.RateLimited limited:
                // Slack's limit for chat.postMessage is per channel: this lane waits, the others carry on. What waits
                // in it goes back to the outbox, due when the pause ends, so it keeps its order and its lease is not held.
                var until = now + limited.RetryAfter;
                lane.Pause(until);
                lane.Refund(options.CurrentValue.ChannelBudgetPerMinute);
                health.RecordPaused(lane.Workspace, channel, until);
                LogChannelPaused(channel, until);
                deferred = lane.TakeAlertJobs();
                break;
            default:
                var hint = result is SlackPostResult.Permanent permanent
                    ? SlackErrorHints.For(permanent.Error, permanent.Detail)
                    : "Slack or the way to it is failing; the alerts are retried with backoff. Check status.slack.com and this host's network";
                RecordFailure(lane, error, hint, now);
                break;
        }

        foreach (var entry in job.Entries)
        {
            // Each alert records the post's outcome as its own attempt: sent with the message's ts, or retried
            // (honouring Retry-After) and failed exactly as a single alert would be.
            var outcome = result is null
                ? AlertDeliveryPolicy.Retry(entry, channel, error, now)
                : AlertDeliveryPolicy.Decide(entry, channel, result, now);
            if (job.AsDigest && outcome.Status == AlertDeliveryStatus.Retrying)
            {
                _digestRetries.Add(entry.Alert.AlertId);
            }
            else
            {
                _digestRetries.Remove(entry.Alert.AlertId);
            }

            LogOutcome(entry.Alert.AlertId, outcome);

            // Not the stopping token: a message already posted must be recorded as sent, or it would be posted again.
            await outbox.CompleteAttemptAsync(entry.Alert.AlertId, outcome, CancellationToken.None);
        }

        await DeferAsync(lane, deferred);
    }

    /// <summary>Puts a paused lane's waiting alerts back in the outbox, due when the pause ends; a digest's stay one.</summary>
    private async Task DeferAsync(ChannelLane lane, IReadOnlyList<LaneJob> jobs)
    {
        foreach (var job in jobs)
        {
            foreach (var entry in job.Entries)
            {
                if (job.AsDigest)
                {
                    _digestRetries.Add(entry.Alert.AlertId);
                }

                var outcome = new DeliveryOutcome(AlertDeliveryStatus.Retrying, lane.Channel, lane.PausedUntil, Error: "ratelimited");
                LogOutcome(entry.Alert.AlertId, outcome);
                await outbox.CompleteAttemptAsync(entry.Alert.AlertId, outcome, CancellationToken.None);
            }
        }
    }

    private void RecordSuccess(ChannelLane lane, DateTimeOffset now)
    {
        if (health.RecordSuccess(lane.Workspace, lane.Channel, now) is { } failures)
        {
            LogChannelRecovered(lane.Channel, failures);
            NotifyOperator(lane, operatorChannel => OperatorNoticeRenderer.Recovered(operatorChannel, lane.Channel, failures));
        }
    }

    private void RecordFailure(ChannelLane lane, string error, string? hint, DateTimeOffset now)
    {
        var settings = options.CurrentValue;
        if (!health.RecordFailure(lane.Workspace, lane.Channel, error, hint, now, settings.OperatorNoticeAfterFailures, TimeSpan.FromMinutes(settings.OperatorNoticeCooldownMinutes)))
        {
            return;
        }

        var (failures, since) = health.Failures(lane.Workspace, lane.Channel);
        LogChannelFailing(lane.Channel, failures, error, hint);
        NotifyOperator(lane, operatorChannel => OperatorNoticeRenderer.Failing(operatorChannel, lane.Channel, error, hint, failures, since ?? now));
    }

    // The operator's channel is in the Slack team of Slack:Workspace. Queued even while that channel is paused: a notice
    // is never put back in the outbox. The operator's own channel failing cannot be told there; the log and the ops API say it.
    private void NotifyOperator(ChannelLane about, Func<string, SlackMessage> notice)
    {
        var settings = options.CurrentValue;
        if (settings.OperatorChannelOrNull is not { } operatorChannel
            || (about.Workspace == settings.Workspace && string.Equals(operatorChannel.TrimStart('#'), about.Channel.TrimStart('#'), StringComparison.Ordinal)))
        {
            return;
        }

        Lane(settings.Workspace, operatorChannel).Enqueue(LaneJob.ForNotice(notice(operatorChannel)));
    }

    /// <summary>An alert that is not posted: to the dev inbox without a token for its workspace, failed without a channel.</summary>
    private async Task DeliverAsync(OutboxEntry entry, CancellationToken stoppingToken)
    {
        var alert = entry.Alert;
        var settings = options.CurrentValue;
        var channel = FirstNonBlank(alert.Channel, settings.DefaultChannel);
        DeliveryOutcome outcome;
        if (!await slack.CanPostAsync(alert.Workspace, stoppingToken))
        {
            LogDevInbox(alert.AlertId, alert.Signal, alert.AccountId, channel ?? "(none)", alert.Explanation);
            outcome = new DeliveryOutcome(AlertDeliveryStatus.DevInbox, channel);
        }
        else
        {
            outcome = new DeliveryOutcome(AlertDeliveryStatus.Failed, channel, Error: "no_channel", Hint: SlackErrorHints.NoChannel);
        }

        LogOutcome(alert.AlertId, outcome);
        await outbox.CompleteAttemptAsync(alert.AlertId, outcome, stoppingToken);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} is over its pipeline's throttle_per_minute; held for a digest to {Channel}")]
    private partial void LogHeldForDigest(string alertId, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest of {Count} alert(s) for {Channel} attempted: {Result}")]
    private partial void LogDigestAttempted(string channel, int count, string result);

    [LoggerMessage(Level = LogLevel.Error, Message = "Posting to {Channel} ({Count} alert(s)) threw; they will be retried")]
    private partial void LogPostThrew(Exception exception, string channel, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Operator notice to {Channel} attempted: {Result}")]
    private partial void LogNoticeAttempted(string channel, string result);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack asked for no more messages to {Channel} until {Until:O}; its alerts wait until then, other channels carry on")]
    private partial void LogChannelPaused(string channel, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Error, Message = "Deliveries to {Channel} are failing: {Failures} failed in a row, last {Error}. {Hint}")]
    private partial void LogChannelFailing(string channel, int failures, string error, string? hint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deliveries to {Channel} work again after {Failures} failed in a row")]
    private partial void LogChannelRecovered(string channel, int failures);

    /// <summary>A post in flight: the lane it is for, what it carries, and Slack's answer to come.</summary>
    private sealed record Send(ChannelLane Lane, LaneJob Job, Task<SlackPostResult> Post);

    [LoggerMessage(Level = LogLevel.Error, Message = "The alert delivery loop failed; pausing before the next round")]
    private partial void LogLoopFailed(Exception exception);
}
