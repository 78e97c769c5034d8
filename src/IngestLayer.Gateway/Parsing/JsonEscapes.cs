namespace IngestLayer.Gateway.Parsing;

/// <summary>
/// JSON lets a string escape half of a UTF-16 surrogate pair (<c>"\ud800"</c>) and System.Text.Json parses it, but
/// reading that string as .NET text throws. Bodies are checked once, before any field is read, so such input is a
/// clear 400 rather than an exception deep in a parser. A scan for backslashes: free for the usual body without any.
/// </summary>
internal static class JsonEscapes
{
    public const string LoneSurrogateError =
        "A string holds an escaped UTF-16 surrogate without its pair (such as \\ud800), which is not text. Escape characters outside the BMP as a high and low surrogate pair, or send them as UTF-8.";

    /// <summary>Whether a <c>\uXXXX</c> escape in <paramref name="json"/> is a surrogate without its other half.</summary>
    public static bool HasLoneSurrogate(ReadOnlySpan<byte> json)
    {
        var i = 0;
        while (i < json.Length)
        {
            var next = json[i..].IndexOf((byte)'\\');
            if (next < 0)
            {
                return false;
            }

            i += next;
            if (i + 1 >= json.Length || json[i + 1] != (byte)'u' || !TryHex(json, i + 2, out var unit))
            {
                i += 2; // any other escape, "\\" included, is two bytes
                continue;
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (i + 11 < json.Length && json[i + 6] == (byte)'\\' && json[i + 7] == (byte)'u'
                    && TryHex(json, i + 8, out var low) && low is >= 0xDC00 and <= 0xDFFF)
                {
                    i += 12;
                    continue;
                }

                return true;
            }

            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return true;
            }

            i += 6;
        }

        return false;
    }

    /// <summary>
    /// Why <paramref name="json"/> cannot be read as text, or null when it can: invalid UTF-8 (which the JSON parser lets
    /// through inside strings) or a lone surrogate escape. Vectorised, so cheap beside the parse itself.
    /// </summary>
    public static string? TextError(ReadOnlySpan<byte> json) =>
        !System.Text.Unicode.Utf8.IsValid(json) ? InvalidUtf8Error
        : HasLoneSurrogate(json) ? LoneSurrogateError
        : null;

    public const string InvalidUtf8Error = "The body is not valid UTF-8 text.";

    private static bool TryHex(ReadOnlySpan<byte> json, int at, out int value)
    {
        value = 0;
        if (at + 4 > json.Length)
        {
            return false;
        }

        for (var k = at; k < at + 4; k++)
        {
            var digit = HexValue(json[k]);
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
