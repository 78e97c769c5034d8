using IngestLayer.Contracts;
using IngestLayer.Contracts.Live;
using IngestLayer.Grains.Health;

namespace IngestLayer.Grains.Live;

/// <summary>
/// Hands one account grain's batches to the live feeds (the account's, and its owner's) when someone watches either:
/// into this silo's <see cref="LiveOutbox"/>, which goes out on the streams each flush interval. Nothing is awaited
/// and nothing can fail the batch that was applied: a feed is a view.
/// </summary>
internal sealed class LivePublisher(LiveWatchCache watched, LiveOutbox outbox)
{
    private string? _accountKey;
    private string? _owner;
    private string? _ownerKey;

    /// <summary>Publishes what the batch did, if its account or owner is watched; costs one read when nothing in the cluster is.</summary>
    public void Publish(string workspace, string accountId, AccountState state, IReadOnlyList<IngestEvent> events, List<Alert>? fired, DateTimeOffset now)
    {
        if (watched.IsEmpty || (events.Count == 0 && fired is null))
        {
            return;
        }

        _accountKey ??= LiveStreams.AccountKey(GrainKeys.Account(workspace, accountId));
        if (!ReferenceEquals(_owner, state.Owner))
        {
            _owner = state.Owner;
            _ownerKey = _owner is null ? null : LiveStreams.OwnerKey(workspace, _owner);
        }

        var toAccount = watched.IsWatched(_accountKey);
        var toOwner = _ownerKey is not null && watched.IsWatched(_ownerKey);
        if (!toAccount && !toOwner)
        {
            return;
        }

        var item = Build(workspace, accountId, state, events, fired, now);
        if (toAccount)
        {
            outbox.Add(_accountKey, item);
        }

        if (toOwner)
        {
            outbox.Add(_ownerKey!, item);
        }
    }
    internal static LiveBatch Build(string workspace, string accountId, AccountState state, IReadOnlyList<IngestEvent> events, List<Alert>? fired, DateTimeOffset now)
    {
        var kept = Math.Min(events.Count, LiveStreams.MaxEventsPerBatch);
        var liveEvents = new LiveEvent[kept];
        for (var i = 0; i < kept; i++)
        {
            liveEvents[i] = LiveEvent.From(events[i]);
        }

        var account = new LiveAccount(
            workspace,
            accountId,
            state.Name,
            state.Plan,
            state.Owner,
            state.SlackChannel,
            HealthScore.Compute(state, now).Score,
            state.Traits.Count == 0 ? null : new Dictionary<string, string>(state.Traits, StringComparer.Ordinal));
        return new LiveBatch(account, liveEvents, events.Count - kept, fired is null ? [] : [.. fired.Select(LiveAlert.From)]);
    }
}
