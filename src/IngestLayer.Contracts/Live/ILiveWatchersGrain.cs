namespace IngestLayer.Contracts.Live;

/// <summary>
/// The cluster's list of live feeds someone is watching, so account grains publish only to watched streams: a
/// memory-stream publish costs a queue-grain call and a pub-sub registration per stream, which ingestion should
/// not pay for feeds nobody reads. One grain for the cluster (key <see cref="Key"/>); watches are leases, renewed
/// by the subscriber, so a host that dies without saying so leaves no watch behind for long. In memory only:
/// after a loss the subscribers' next renewal rebuilds it.
/// </summary>
[Alias("IngestLayer.ILiveWatchersGrain")]
public interface ILiveWatchersGrain : IGrainWithStringKey
{
    public const string Key = "live";

    /// <summary>Adds or renews <paramref name="subscriber"/>'s watch of <paramref name="watchKey"/> for <paramref name="lease"/>; answers the new set.</summary>
    Task<LiveWatchSet> WatchAsync(string watchKey, Guid subscriber, TimeSpan lease);

    /// <summary>Ends <paramref name="subscriber"/>'s watch; answers the new set.</summary>
    Task<LiveWatchSet> UnwatchAsync(Guid subscriber);

    /// <summary>The current set, or null when it is still (<paramref name="epoch"/>, <paramref name="version"/>).</summary>
    Task<LiveWatchSet?> GetIfChangedAsync(Guid epoch, long version);
}

/// <summary>The watched keys (<see cref="LiveStreams.AccountKey"/>, <see cref="LiveStreams.OwnerKey"/>) at one version of one registry activation.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.LiveWatchSet")]
public sealed record LiveWatchSet(
    [property: Id(0)] Guid Epoch,
    [property: Id(1)] long Version,
    [property: Id(2)] IReadOnlyList<string> Keys);
