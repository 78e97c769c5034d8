using IngestLayer.Contracts;
using IngestLayer.Contracts.Live;
using IngestLayer.Grains.Counters;
using IngestLayer.Grains.Health;
using IngestLayer.Grains.Live;
using IngestLayer.Grains.Pipelines;
using IngestLayer.Grains.Rules;
using IngestLayer.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Grains;

/// <summary>
/// One customer account: windowed feature and event counters, active users, profile, billing state, the
/// workspace's rules evaluated after every batch (<see cref="RuleRunner"/>), and its pipelines run over the batch's
/// events (<see cref="AccountPipelineRun"/>), and what each batch did published on the live feeds when watched
/// (<see cref="LivePublisher"/>). Non-reentrant, so each batch applies and evaluates atomically.
/// </summary>
public sealed partial class AccountGrain(
    [PersistentState("account", GrainStorage.Name)] IPersistentState<AccountState> state,
    IAlertOutbox outbox,
    RuleCache rules,
    PipelineCache pipelines,
    PipelineCounters pipelineCounters,
    IOptions<RulesOptions> rulesOptions,
    LiveWatchCache liveWatches,
    LiveOutbox liveOutbox,
    [FromKeyedServices(AppClock.Key)] TimeProvider time,
    ILogger<AccountGrain> logger) : Grain, IAccountGrain, IRemindable
{
    private const string RulesReminderName = "rules";

    private readonly StateFlusher _flusher = new();
    private readonly LivePublisher _live = new(liveWatches, liveOutbox);
    private IGrainTimer? _schedule;
    private string _workspace = "";
    private string _accountId = "";
    private int _prunedDay = int.MinValue;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_workspace, _accountId) = GrainKeys.Parse(this.GetPrimaryKeyString());
        _flusher.Start(this, state);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _flusher.FlushAsync(state, reason);

    public async Task ApplyAsync(EventBatch batch)
    {
        var s = state.State;
        var compiled = await rules.GetAsync(_workspace);
        var now = time.GetUtcNow();
        var today = TimeBuckets.Of(now).Day;
        if (today != _prunedDay)
        {
            // Once a day (and on activation): forget users idle past the tracked span, so the set stays bounded.
            s.ActiveUsers.Prune(now);
            _prunedDay = today;
        }

        var fired = RuleRunner.ApplyBatch(s, compiled, _workspace, _accountId, batch, now);
        _flusher.MarkDirty();
        // Alerts first: the batch's events are applied and would be skipped if redelivered, so an alert must not
        // wait behind a reminder registration that can fail (the database away); a later batch registers it.
        await EnqueueAsync(fired);
        // After the alerts are in the outbox (a live alert is one that will be delivered). No call: the silo's live
        // outbox takes it, so ingestion never waits for watchers and a failed publish cannot fail the batch.
        _live.Publish(_workspace, _accountId, s, batch.Events, fired, now);
        await RunPipelinesAsync(batch, now);
        await ScheduleIfTimeBasedAsync(compiled);
    }

    // After the batch is applied, so enrichment sees the account as of its events (the plan an upgrade just set).
    // Deliveries have deterministic ids, so a redelivered batch enqueues nothing twice.
    private async Task RunPipelinesAsync(EventBatch batch, DateTimeOffset now)
    {
        var compiled = await pipelines.GetAsync(_workspace);
        if (compiled.All.Length == 0)
        {
            return;
        }

        var run = new AccountPipelineRun(GrainFactory, _workspace, _accountId, state.State, now, pipelineCounters);
        if (await run.RunAsync(compiled, batch.Events) is { } deliveries)
        {
            foreach (var delivery in deliveries)
            {
                await outbox.EnqueueAsync(delivery, CancellationToken.None);
            }
        }
    }

    public async Task EvaluateScheduledAsync()
    {
        var s = state.State;
        var compiled = await rules.GetAsync(_workspace);
        if (!s.Known || compiled.TimeBased.Length == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        var fired = RuleRunner.EvaluateScheduled(s, compiled, _workspace, _accountId, now);
        _flusher.MarkDirty(); // latches moved even when nothing fired
        await EnqueueAsync(fired);
        _live.Publish(_workspace, _accountId, s, [], fired, now);
    }

    public Task SnoozeAsync(string? ruleId, DateTimeOffset until)
    {
        state.State.Snooze(ruleId ?? AccountState.AllRules, until, time.GetUtcNow());
        _flusher.MarkDirty();
        return Task.CompletedTask;
    }

    public Task<bool> AcknowledgeAsync(string alertId, string by, DateTimeOffset at)
    {
        var found = state.State.Acknowledge(alertId, by, at);
        if (found)
        {
            _flusher.MarkDirty();
        }

        return Task.FromResult(found);
    }

    public Task PersistAsync() => _flusher.WriteIfDirtyAsync(state);

    public async Task<AccountRebuildResult> RebuildAsync()
    {
        if (!_flusher.Durable)
        {
            return AccountRebuildResult.NotRebuilt(AccountRebuildOutcome.LogKeepsNoEvents); // the embedded log keeps no event bodies
        }

        // Fetched, not cached: a rebuild usually follows a rule change, which another silo's copy may not have yet.
        var compiled = await rules.RefreshAsync(_workspace);
        var now = time.GetUtcNow();
        var replay = new AccountReplay(compiled, _workspace, _accountId, rulesOptions.Value.ScheduleInterval, now);
        // The grain is not reentrant: no batch applies while the log is read, and the replay's watermarks skip
        // whatever the dispatcher delivers afterwards that the read already covered.
        await foreach (var stored in ServiceProvider.GetRequiredService<IEventLog>().ReadAccountAsync(_workspace, _accountId, CancellationToken.None))
        {
            replay.Apply(stored.Event, stored.IngestedBy);
        }

        if (replay.EventsReplayed == 0)
        {
            return AccountRebuildResult.NotRebuilt(AccountRebuildOutcome.NoStoredEvents);
        }

        var old = state.State;
        var rebuilt = replay.Finish();
        KeepWhatNoEventCarries(old, rebuilt);
        state.State = rebuilt;
        _prunedDay = TimeBuckets.Of(now).Day; // the replay pruned at the end
        _flusher.MarkDirty();
        // Written now: checkpoints write only grains the dispatcher touched and the flush timer may be minutes away,
        // and a crash must not quietly undo a rebuild the caller was told about. If the write fails the caller hears
        // so, and the rebuilt state stays dirty for the flush timer or deactivation.
        await _flusher.WriteIfDirtyAsync(state);
        await ScheduleIfTimeBasedAsync(compiled);
        var result = new AccountRebuildResult(
            AccountRebuildOutcome.Rebuilt, replay.EventsReplayed, replay.AlertsSuppressed, old.EventsApplied, rebuilt.EventsApplied,
            old.Members.Count, rebuilt.Members.Count, replay.RulesHolding());
        LogRebuilt(logger, _workspace, _accountId, result.EventsReplayed, result.AlertsSuppressed, old.EventsApplied, rebuilt.EventsApplied);
        return result;
    }

    // Not in the log: book-of-business assignments (the live owner and channel are the newest of those and the group
    // traits the replay saw, so the live values win), snoozes, alerts actually fired, the reminder registration.
    // The old watermarks stay too: a position the live grain applied must not be applied again on redelivery.
    private static void KeepWhatNoEventCarries(AccountState old, AccountState rebuilt)
    {
        rebuilt.Owner = old.Owner ?? rebuilt.Owner;
        rebuilt.SlackChannel = old.SlackChannel ?? rebuilt.SlackChannel;
        rebuilt.Snoozes = old.Snoozes;
        rebuilt.RecentAlerts = old.RecentAlerts;
        rebuilt.RulesReminder = old.RulesReminder;
        rebuilt.Applied.Include(old.Applied);
    }

    private async Task EnqueueAsync(List<Alert>? fired)
    {
        if (fired is null)
        {
            return; // the common batch: nothing fired, and no empty list allocated to say so
        }

        foreach (var alert in fired)
        {
            state.State.Remember(alert);
            var added = await outbox.EnqueueAsync(alert, CancellationToken.None);
            LogAlertFired(logger, alert.Rule ?? alert.Signal, _workspace, _accountId, alert.AlertId, added, alert.SnoozedUntil is not null);
        }
    }

    // Only for workspaces with rules that silence alone can cross. Embedded mode (no reminder service): a timer
    // while the grain is active, which does not keep it alive. Durable mode: a reminder, registered once and kept
    // in the reminder table, so an account that goes quiet and is deactivated is still woken to be evaluated.
    private async Task ScheduleIfTimeBasedAsync(CompiledRules compiled)
    {
        if (compiled.TimeBased.Length == 0)
        {
            return;
        }

        var interval = rulesOptions.Value.ScheduleInterval;
        if (_flusher.Durable)
        {
            if (!state.State.RulesReminder)
            {
                await this.RegisterOrUpdateReminder(RulesReminderName, interval, interval);
                state.State.RulesReminder = true;
            }

            return;
        }

        _schedule ??= this.RegisterGrainTimer(
            _ => EvaluateScheduledAsync(),
            new GrainTimerCreationOptions(interval, interval) { Interleave = false, KeepAlive = false });
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != RulesReminderName)
        {
            return;
        }

        if ((await rules.GetAsync(_workspace)).TimeBased.Length > 0)
        {
            await EvaluateScheduledAsync();
            return;
        }

        // The workspace no longer has time-based rules: stop waking this account (a later batch registers it again).
        if (await this.GetReminder(RulesReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        state.State.RulesReminder = false;
        _flusher.MarkDirty();
    }

    public Task AssignOwnerAsync(OwnerAssignment assignment)
    {
        state.State.AssignOwner(assignment);
        _flusher.MarkDirty();
        return Task.CompletedTask;
    }

    public Task<AccountSnapshot?> GetSnapshotAsync()
    {
        var s = state.State;
        if (!s.Known)
        {
            return Task.FromResult<AccountSnapshot?>(null);
        }

        var now = time.GetUtcNow();
        return Task.FromResult<AccountSnapshot?>(new AccountSnapshot
        {
            Workspace = _workspace,
            AccountId = _accountId,
            Profile = new AccountProfile
            {
                Name = s.Name,
                Plan = s.Plan,
                Owner = s.Owner,
                SlackChannel = s.SlackChannel,
                Traits = new Dictionary<string, string>(s.Traits),
            },
            Billing = s.Billing.ToSnapshot(),
            Features = s.Features.Snapshot(now),
            Events = s.Events.Snapshot(now),
            ActiveUsers = s.ActiveUsers.Counts(now),
            Members = s.Members.Count,
            FirstSeen = s.FirstSeen,
            LastSeen = s.LastSeen,
            EventsApplied = s.EventsApplied,
            RecentAlerts = [.. s.RecentAlerts],
            AsOf = now,
            Snoozes = s.Snoozes.Where(x => x.Value > now).ToDictionary(x => x.Key, x => x.Value),
            Health = HealthScore.Compute(s, now),
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuilt account {Workspace}/{AccountId} from {Events} stored events; {Suppressed} alerts of the replay discarded; events applied {Before} -> {After}")]
    private static partial void LogRebuilt(ILogger logger, string workspace, string accountId, long events, int suppressed, long before, long after);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rule {Rule} fired for account {Workspace}/{AccountId}: alert {AlertId} (new: {Added}, snoozed: {Snoozed})")]
    private static partial void LogAlertFired(ILogger logger, string rule, string workspace, string accountId, string alertId, bool added, bool snoozed);
}
