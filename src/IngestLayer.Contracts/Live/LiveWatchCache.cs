namespace IngestLayer.Contracts.Live;

/// <summary>
/// This silo's copy of <see cref="ILiveWatchersGrain"/>'s set, read by account grains on every batch. Written by
/// the silo's refresher and by a live endpoint of this host as it subscribes, so a subscriber's own host publishes
/// from its first event on; other hosts catch up within the refresh interval.
/// </summary>
public sealed class LiveWatchCache
{
    private Snapshot _current = new(Guid.Empty, -1, new HashSet<string>(StringComparer.Ordinal));

    /// <summary>True when nothing in the cluster is watched: the ingest hot path's only cost then.</summary>
    public bool IsEmpty => Volatile.Read(ref _current).Keys.Count == 0;

    public Guid Epoch => Volatile.Read(ref _current).Epoch;

    public long Version => Volatile.Read(ref _current).Version;

    public bool IsWatched(string watchKey) => Volatile.Read(ref _current).Keys.Contains(watchKey);

    /// <summary>Takes <paramref name="set"/> unless it is older than the copy held (same registry activation, lower version).</summary>
    public void Apply(LiveWatchSet set)
    {
        var snapshot = new Snapshot(set.Epoch, set.Version, new HashSet<string>(set.Keys, StringComparer.Ordinal));
        while (true)
        {
            var current = Volatile.Read(ref _current);
            if (current.Epoch == set.Epoch && current.Version >= set.Version)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _current, snapshot, current) == current)
            {
                return;
            }
        }
    }

    private sealed record Snapshot(Guid Epoch, long Version, HashSet<string> Keys);
}
