namespace IngestLayer.Grains.Counters;

/// <summary>
/// Adds bound for one <see cref="CounterSet"/>, summed by key and minute until <see cref="Flush"/> makes them: a
/// batch repeats a handful of keys in a minute or two, and summing in this small, always-cached table is far
/// cheaper than reaching each key's counter (rarely in cache) once per event. Flushed in the order each key and
/// minute was first seen, so keys reach the set, and its key cap, in the order single adds would bring them.
/// </summary>
internal sealed class PendingCounts
{
    // Open addressing at most half full; when full the sums are flushed, which is exact, only sooner.
    private const int Slots = 64;
    private const int MaxEntries = Slots / 2;

    private readonly Entry[] _entries = new Entry[MaxEntries];
    private readonly byte[] _slots = new byte[Slots]; // entry index + 1, 0 when free
    private int _count;

    public bool IsEmpty => _count == 0;

    /// <summary>Adds <paramref name="count"/> under <paramref name="key"/> at <paramref name="at"/> (already not after now).</summary>
    public void Add(CounterSet set, string key, TimeBuckets at, int count, TimeBuckets now)
    {
        var slot = Slot(key, at.Minute);
        while (_slots[slot] is var index and not 0)
        {
            ref var entry = ref _entries[index - 1];
            if (entry.At.Minute == at.Minute && string.Equals(entry.Key, key))
            {
                // A count of 0 or less adds nothing, but the key is still created, as a single add creates it.
                entry.Count += Math.Max(count, 0);
                return;
            }

            slot = (slot + 1) & (Slots - 1);
        }

        if (_count == MaxEntries)
        {
            Flush(set, now);
            slot = Slot(key, at.Minute);
        }

        _entries[_count] = new Entry(key, at, Math.Max(count, 0));
        _slots[slot] = (byte)++_count;
    }

    /// <summary>Makes the summed adds on <paramref name="set"/>, in first-seen order, and empties the table.</summary>
    public void Flush(CounterSet set, TimeBuckets now)
    {
        if (_count == 0)
        {
            return;
        }

        for (var i = 0; i < _count; i++)
        {
            ref var entry = ref _entries[i];
            set.Add(entry.Key, entry.At, entry.Count, now);
            entry = default; // the table outlives the batch: keep no key alive
        }

        _count = 0;
        Array.Clear(_slots);
    }

    // Cheap on purpose: length and two characters tell apart the few keys of a batch, and a collision only probes.
    private static int Slot(string key, int minute)
    {
        var hash = (uint)(key.Length == 0 ? minute : key.Length ^ (key[^1] << 7) ^ (key[key.Length >> 1] << 14) ^ (minute * 31));
        return (int)((hash * 0x9E3779B1u) >> 26);
    }

    private record struct Entry(string Key, TimeBuckets At, long Count);
}
