using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace IngestLayer.Gateway.Parsing;

/// <summary>
/// A fixed-size, lock-free cache of short strings keyed by their UTF-8 bytes, so a JSON string value seen
/// before (an event name, a feature key, a plan, an account id) is not allocated again. A slot holds the
/// last string that hashed to it, beside its 64-bit hash: a lookup reads one slot and, when the hashes
/// agree, compares the string itself, so a hit costs two memory reads (a slot pointing at a record of the
/// bytes and the string cost three, and this runs several times per event). Two writers racing on a slot
/// may leave a hash beside another's string; the comparison of the string itself turns that into a miss.
/// </summary>
internal sealed class Utf8StringPool(int slots)
{
    private const int MaxPooledBytes = 96;
    private readonly Entry[] _slots = new Entry[slots];
    private readonly int _mask = slots - 1;

    /// <summary>The string value of a JSON string element.</summary>
    public string Get(JsonElement value)
    {
        // The raw token includes the quotes; an escaped value is decoded the usual way.
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length < 2 || raw.Length - 2 > MaxPooledBytes || raw.IndexOf((byte)'\\') >= 0)
        {
            return value.GetString()!;
        }

        return Get(raw[1..^1]);
    }

    /// <summary>The string of <paramref name="utf8"/>, the unescaped content of a JSON string.</summary>
    public string Get(ReadOnlySpan<byte> utf8) => Get(utf8, utf8.Length > MaxPooledBytes ? 0 : XxHash3.HashToUInt64(utf8));

    /// <summary>
    /// Reads ahead the slot <paramref name="utf8"/> hashes to and the start of the string in it, for a
    /// <see cref="Get(ReadOnlySpan{byte}, ulong)"/> soon after; returns the hash. A caller with many strings to look
    /// up (a batch's account ids: a thousand accounts' slots and strings are not in cache) reads them all ahead
    /// first, so those misses overlap instead of each lookup waiting for its two. Adds what it read to
    /// <paramref name="touched"/>, which the caller keeps so the reads are not dropped.
    /// </summary>
    public ulong Prefetch(ReadOnlySpan<byte> utf8, ref int touched)
    {
        if (utf8.Length > MaxPooledBytes)
        {
            return 0;
        }

        var hash = XxHash3.HashToUInt64(utf8);
        touched += _slots[(int)(hash & (uint)_mask)].Value?.Length ?? 0;
        return hash;
    }

    /// <summary>As <see cref="Get(ReadOnlySpan{byte})"/>, with the hash <see cref="Prefetch"/> returned.</summary>
    public string Get(ReadOnlySpan<byte> utf8, ulong hash)
    {
        if (utf8.Length > MaxPooledBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        ref var slot = ref _slots[(int)(hash & (uint)_mask)];
        var entry = slot;
        if (entry.Hash == hash && entry.Value is { } pooled && Ascii.Equals(utf8, pooled))
        {
            return pooled;
        }

        var s = Encoding.UTF8.GetString(utf8);
        if (Ascii.IsValid(utf8))
        {
            slot = new Entry(hash, s); // only ASCII is pooled: the comparison above is byte for char
        }

        return s;
    }

    private readonly record struct Entry(ulong Hash, string? Value);
}
