using System.Collections.Concurrent;
using IngestLayer.Contracts.Live;

namespace IngestLayer.Grains.Live;

/// <summary>
/// This silo's batches waiting to go out on the live streams, per watch key. Account grains add to it (a lock and a
/// list append, no grain call); <see cref="LiveOutboxFlusher"/> takes everything each interval and publishes one
/// <see cref="LiveDelivery"/> per key (more when they are large). Bounded per key: past <see cref="MaxPendingPerKey"/> a
/// batch is counted, not kept.
/// </summary>
public sealed class LiveOutbox
{
    public const int MaxPendingPerKey = 5_000;

    /// <summary>
    /// About the most a delivery carries, serialized. The memory streams' cache copies each item into a 1 MB block, and
    /// an item that does not fit stalls its queue's pulling agent (seen here: every feed on the queue stopped).
    /// </summary>
    public const int MaxDeliveryBytes = 256 * 1024;

    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    public void Add(string watchKey, LiveBatch batch)
    {
        var pending = _pending.GetOrAdd(watchKey, static _ => new Pending());
        lock (pending)
        {
            if (pending.Batches.Count < MaxPendingPerKey)
            {
                pending.Batches.Add(batch);
            }
            else
            {
                pending.Discarded++;
            }
        }
    }

    /// <summary>Takes what is pending, one delivery per key; keys with nothing pending are forgotten.</summary>
    public List<(string WatchKey, LiveDelivery Delivery)> TakeAll()
    {
        var taken = new List<(string, LiveDelivery)>();
        foreach (var (key, pending) in _pending)
        {
            lock (pending)
            {
                if (pending.Batches.Count == 0 && pending.Discarded == 0)
                {
                    _pending.TryRemove(new KeyValuePair<string, Pending>(key, pending));
                    continue;
                }

                var discarded = pending.Discarded;
                foreach (var delivery in Split(pending.Batches))
                {
                    taken.Add((key, new LiveDelivery(delivery, discarded)));
                    discarded = 0;
                }

                pending.Batches.Clear();
                pending.Discarded = 0;
            }
        }

        return taken;
    }

    private static IEnumerable<List<LiveBatch>> Split(List<LiveBatch> batches)
    {
        var delivery = new List<LiveBatch>();
        var bytes = 0;
        foreach (var batch in batches)
        {
            var size = EstimatedBytes(batch);
            if (delivery.Count > 0 && bytes + size > MaxDeliveryBytes)
            {
                yield return delivery;
                delivery = [];
                bytes = 0;
            }

            delivery.Add(batch);
            bytes += size;
        }

        if (delivery.Count > 0)
        {
            yield return delivery;
        }
    }

    // Generous per field; properties dominate. One batch alone stays far below the 1 MB block (the caps of LiveStreams).
    internal static int EstimatedBytes(LiveBatch batch)
    {
        var bytes = 512 + (batch.Alerts.Count * 2048);
        foreach (var e in batch.Events)
        {
            bytes += 256 + (e.PropertiesJson?.Length ?? 0) + (e.Traits?.Count ?? 0) * 128;
        }

        return bytes;
    }

    private sealed class Pending
    {
        public List<LiveBatch> Batches { get; } = [];

        public int Discarded { get; set; }
    }
}
