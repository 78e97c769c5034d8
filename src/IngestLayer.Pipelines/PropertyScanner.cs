using System.Buffers;
using System.Text.Json;

namespace IngestLayer.Pipelines;

/// <summary>
/// Steps through the top level of a properties object one member at a time, jumping over string contents and
/// nested values with vectorised searches. It does not validate, which is what makes it cheaper than a
/// <see cref="Utf8JsonReader"/> walk (README, Benchmarks), and is safe because the gateway stores only
/// properties it parsed. On anything malformed it stops, and the keys after that point read as missing.
/// </summary>
internal static class PropertyScanner
{
    private static readonly SearchValues<byte> StringStops = SearchValues.Create("\"\\"u8);
    private static readonly SearchValues<byte> CompositeStops = SearchValues.Create("\"{}[]"u8);
    private static readonly SearchValues<byte> ScalarStops = SearchValues.Create(",}] \t\r\n"u8);

    /// <summary>Where the members start: just inside the opening brace, or -1 when the properties are not an object.</summary>
    public static int Start(ReadOnlySpan<byte> json)
    {
        var i = Blank(json, 0);
        return i < json.Length && json[i] == (byte)'{' ? i + 1 : -1;
    }

    /// <summary>
    /// Reads the member at <paramref name="position"/> (after the brace or the previous member) and moves past it;
    /// false at the end of the object or on malformed input.
    /// </summary>
    public static bool Next(ReadOnlyMemory<byte> source, ref int position, out Member member)
    {
        member = default;
        var json = source.Span;
        var i = Blank(json, position);
        if (i < json.Length && json[i] == (byte)',')
        {
            i = Blank(json, i + 1);
        }

        if (i >= json.Length || json[i] != (byte)'"')
        {
            return false;
        }

        var keyEnd = StringEnd(json, i, out var keyEscaped);
        if (keyEnd < 0)
        {
            return false;
        }

        var colon = Blank(json, keyEnd);
        if (colon >= json.Length || json[colon] != (byte)':')
        {
            return false;
        }

        var start = Blank(json, colon + 1);
        if (start >= json.Length)
        {
            return false;
        }

        var valueEscaped = false;
        JsonTokenType type;
        int end;
        switch (json[start])
        {
            case (byte)'"':
                type = JsonTokenType.String;
                end = StringEnd(json, start, out valueEscaped);
                break;
            case (byte)'{':
                type = JsonTokenType.StartObject;
                end = CompositeEnd(json, start);
                break;
            case (byte)'[':
                type = JsonTokenType.StartArray;
                end = CompositeEnd(json, start);
                break;
            default:
                end = ScalarEnd(json, start);
                var scalar = json[start..Math.Max(start, end)];
                type = scalar.SequenceEqual("true"u8) ? JsonTokenType.True
                    : scalar.SequenceEqual("false"u8) ? JsonTokenType.False
                    : scalar.SequenceEqual("null"u8) ? JsonTokenType.Null
                    : JsonTokenType.Number;
                break;
        }

        if (end <= start)
        {
            return false;
        }

        member = new Member(i + 1, keyEnd - i - 2, keyEscaped, new JsonValue(type, source[start..end], valueEscaped));
        position = end;
        return true;
    }

    /// <summary>A member: its key's bytes (inside the quotes) and its value.</summary>
    internal readonly record struct Member(int KeyStart, int KeyLength, bool KeyEscaped, JsonValue Value);

    private static int Blank(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i;
    }

    // The index after the closing quote of the string opening at start, or -1.
    private static int StringEnd(ReadOnlySpan<byte> json, int start, out bool escaped)
    {
        escaped = false;
        var i = start + 1;
        while (i < json.Length)
        {
            var stop = json[i..].IndexOfAny(StringStops);
            if (stop < 0)
            {
                return -1;
            }

            i += stop;
            if (json[i] == (byte)'"')
            {
                return i + 1;
            }

            escaped = true;
            i += 2;
        }

        return -1;
    }

    private static int CompositeEnd(ReadOnlySpan<byte> json, int start)
    {
        var depth = 0;
        var i = start;
        while (i < json.Length)
        {
            var stop = json[i..].IndexOfAny(CompositeStops);
            if (stop < 0)
            {
                return -1;
            }

            i += stop;
            switch (json[i])
            {
                case (byte)'"':
                    i = StringEnd(json, i, out _);
                    if (i < 0)
                    {
                        return -1;
                    }

                    continue;
                case (byte)'{' or (byte)'[':
                    depth++;
                    break;
                default:
                    if (--depth == 0)
                    {
                        return i + 1;
                    }

                    break;
            }

            i++;
        }

        return -1;
    }

    private static int ScalarEnd(ReadOnlySpan<byte> json, int start)
    {
        var stop = json[start..].IndexOfAny(ScalarStops);
        return stop < 0 ? -1 : start + stop;
    }
}
