using IngestLayer.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace IngestLayer.Grains;

/// <summary>
/// One end user: traits, account memberships (which attribute events that name no account), and
/// windowed counters of their own activity.
/// </summary>
public sealed class UserGrain(
    [PersistentState("user", GrainStorage.Name)] IPersistentState<UserState> state,
    [FromKeyedServices(AppClock.Key)] TimeProvider time) : Grain, IUserGrain
{
    private readonly StateFlusher _flusher = new();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _flusher.Start(this, state);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _flusher.FlushAsync(state, reason);

    public Task<string?[]> ApplyAsync(UserActivity? earlier, EventBatch batch)
    {
        var now = time.GetUtcNow();
        var s = state.State;
        if (earlier is not null)
        {
            s.Apply(earlier, now);
        }

        var accounts = new string?[batch.Events.Length];
        for (var i = 0; i < accounts.Length; i++)
        {
            var e = batch.Events[i];
            // A redelivered event is not applied again, but the router still needs its account.
            accounts[i] = s.Applied.Advance(batch.Origin, e.Position) ? s.Apply(e, now) : e.AccountId ?? s.CurrentAccount;
        }

        _flusher.MarkDirty();
        return Task.FromResult(accounts);
    }

    public Task ApplyActivityAsync(UserActivity activity)
    {
        state.State.Apply(activity, time.GetUtcNow());
        _flusher.MarkDirty();
        return Task.CompletedTask;
    }

    public Task PersistAsync() => _flusher.WriteIfDirtyAsync(state);

    public Task<UserProfile?> GetProfileAsync()
    {
        var s = state.State;
        return Task.FromResult(s.EventsApplied == 0
            ? null
            : new UserProfile(GrainKeys.Parse(this.GetPrimaryKeyString()).Id, s.Email, s.Name, new Dictionary<string, string>(s.Traits)));
    }

    public Task<UserSnapshot?> GetSnapshotAsync()
    {
        var s = state.State;
        if (s.EventsApplied == 0)
        {
            return Task.FromResult<UserSnapshot?>(null);
        }

        var now = time.GetUtcNow();
        var (workspace, userId) = GrainKeys.Parse(this.GetPrimaryKeyString());
        return Task.FromResult<UserSnapshot?>(new UserSnapshot
        {
            Workspace = workspace,
            UserId = userId,
            Email = s.Email,
            Name = s.Name,
            Traits = new Dictionary<string, string>(s.Traits),
            AccountId = s.CurrentAccount,
            Accounts = [.. s.Accounts],
            Features = s.Features.Snapshot(now),
            Events = s.Events.Snapshot(now),
            FirstSeen = s.FirstSeen,
            LastSeen = s.LastSeen,
            EventsApplied = s.EventsApplied,
            PreviousIds = [.. s.PreviousIds],
            AsOf = now,
        });
    }
}
