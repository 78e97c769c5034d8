using IngestLayer.Contracts;
using IngestLayer.Contracts.Live;
using IngestLayer.Grains.Health;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace IngestLayer.Grains.Live;

/// <summary>
/// Publishes one account grain's batches on its live streams (the account's, and its owner's) when someone
/// watches either. Fire-and-forget: a feed is a view, so a failed publish (a full queue, a silo leaving) is logged
/// at debug and never reaches the batch that was applied, nor waits in front of the next one.
/// </summary>
internal sealed partial class LivePublisher(LiveWatchCache watched, ILogger logger)
{
    private string? _accountKey;
    private string? _owner;
    private string? _ownerKey;

    /// <summary>Publishes what the batch did, if its account or owner is watched; costs one read when nothing in the cluster is.</summary>
    public void Publish(IGrainBase grain, string workspace, string accountId, AccountState state, IReadOnlyList<IngestEvent> events, List<Alert>? fired, DateTimeOffset now)
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
        var provider = grain.GetStreamProvider(LiveStreams.Provider);
        if (toAccount)
        {
            _ = PublishAsync(provider, _accountKey, item);
        }

        if (toOwner)
        {
            _ = PublishAsync(provider, _ownerKey!, item);
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

    private async Task PublishAsync(IStreamProvider provider, string watchKey, LiveBatch item)
    {
        try
        {
            var (ns, key) = LiveStreams.Stream(watchKey);
            await provider.GetStream<LiveBatch>(StreamId.Create(ns, key)).OnNextAsync(item);
        }
        catch (Exception e)
        {
            LogPublishFailed(logger, watchKey, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Publishing on live feed {WatchKey} failed; the feed misses this batch")]
    private static partial void LogPublishFailed(ILogger logger, string watchKey, Exception exception);
}
