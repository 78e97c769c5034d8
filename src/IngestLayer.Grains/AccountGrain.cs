using IngestLayer.Contracts;
using IngestLayer.Grains.Counters;
using IngestLayer.Grains.Signals;
using IngestLayer.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Grains;

/// <summary>
/// One customer account: windowed feature and event counters, active users, profile, billing state, and
/// the signals evaluated after every batch. Non-reentrant, so each batch applies and evaluates atomically.
/// </summary>
public sealed partial class AccountGrain(
    [PersistentState("account", GrainStorage.Name)] IPersistentState<AccountState> state,
    IAlertOutbox outbox,
    IOptions<SignalOptions> signalOptions,
    [FromKeyedServices(AppClock.Key)] TimeProvider time,
    ILogger<AccountGrain> logger) : Grain, IAccountGrain
{
    private readonly SignalOptions _signals = signalOptions.Value;
    private readonly StateFlusher _flusher = new();
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
        var now = time.GetUtcNow();
        AccountSignals.Rearm(s, _signals, now);

        List<Alert>? fired = null;
        var nowBuckets = TimeBuckets.Of(now);
        if (nowBuckets.Day != _prunedDay)
        {
            // Once a day (and on activation): forget users idle past the tracked span, so the set stays bounded.
            s.ActiveUsers.Prune(now);
            _prunedDay = nowBuckets.Day;
        }

        foreach (var e in batch.Events)
        {
            if (!s.Applied.Advance(batch.Origin, e.Position))
            {
                continue; // redelivered after a restart: its effects are in the snapshot already
            }

            s.Apply(e, nowBuckets);
            if (AccountSignals.SignalMovedBy(e, _signals) is { } signal
                && AccountSignals.EvaluateOne(s, _signals, _workspace, _accountId, signal, e, now) is { } alert)
            {
                (fired ??= []).Add(alert);
            }
        }

        _flusher.MarkDirty();
        if (fired is null)
        {
            return; // the common batch: nothing fired, and no empty list allocated to say so
        }

        foreach (var alert in fired)
        {
            s.Remember(alert);
            var added = await outbox.EnqueueAsync(alert, CancellationToken.None);
            LogAlertFired(logger, alert.Signal, _workspace, _accountId, alert.AlertId, added);
        }
    }

    public Task PersistAsync() => _flusher.WriteIfDirtyAsync(state);

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
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signal {Signal} fired for account {Workspace}/{AccountId}: alert {AlertId} (new: {Added})")]
    private static partial void LogAlertFired(ILogger logger, string signal, string workspace, string accountId, string alertId, bool added);
}
