using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace IngestLayer.Gateway.Parsing;

/// <summary>
/// A fixed-size, lock-free cache of short strings keyed by their UTF-8 bytes, so a JSON string value seen
/// before (an event name, a feature key, a user or account id) is not allocated again. A slot holds the
/// last string that hashed to it; a race between two writers only costs one extra allocation.
/// </summary>
internal sealed class Utf8StringPool(int slots)
{
    private const int MaxPooledBytes = 96;
    private readonly Entry?[] _slots = new Entry?[slots];
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

        var utf8 = raw[1..^1];
        var slot = (int)(XxHash3.HashToUInt64(utf8) & (uint)_mask);
        var entry = Volatile.Read(ref _slots[slot]);
        if (entry is not null && utf8.SequenceEqual(entry.Utf8))
        {
            return entry.Value;
        }

        var s = Encoding.UTF8.GetString(utf8);
        Volatile.Write(ref _slots[slot], new Entry(utf8.ToArray(), s));
        return s;
    }

    private sealed record Entry(byte[] Utf8, string Value);
}
