using System.Globalization;
using System.Text;
using System.Text.Json;

namespace IngestLayer.Pipelines;

/// <summary>
/// One JSON value inside an event's properties, as a slice of the raw bytes: nothing is decoded until an
/// operator needs it, and string comparisons run on the UTF-8 bytes unless the string holds escapes.
/// </summary>
internal readonly struct JsonValue(JsonTokenType type, ReadOnlyMemory<byte> raw, bool escaped)
{
    public static readonly JsonValue Missing = default;

    /// <summary><see cref="JsonTokenType.None"/> when missing; String, Number, True, False, Null, StartObject or StartArray.</summary>
    public JsonTokenType Type { get; } = type;

    /// <summary>The value's JSON text (a string with its quotes).</summary>
    public ReadOnlyMemory<byte> Raw { get; } = raw;

    public bool Escaped { get; } = escaped;

    /// <summary>JSON null counts as missing: sources send null for "no value".</summary>
    public bool Exists => Type is not (JsonTokenType.None or JsonTokenType.Null);

    public ReadOnlySpan<byte> StringBytes => Raw.Span[1..^1];

    public string? GetString() => Type switch
    {
        JsonTokenType.String when !Escaped => Encoding.UTF8.GetString(StringBytes),
        JsonTokenType.String => Unescape(),
        _ => null,
    };

    /// <summary>The value as text for templates and named lists: strings unescaped, anything else as its JSON text.</summary>
    public string? GetText() => Type switch
    {
        JsonTokenType.String => GetString(),
        JsonTokenType.None or JsonTokenType.Null => null,
        _ => Encoding.UTF8.GetString(Raw.Span),
    };

    /// <summary>JSON numbers, and strings that are whole invariant numbers (traits and many sources send numbers as strings).</summary>
    public bool TryGetNumber(out double number)
    {
        switch (Type)
        {
            case JsonTokenType.Number:
                return double.TryParse(Raw.Span, NumberStyles.Float, CultureInfo.InvariantCulture, out number);
            case JsonTokenType.String when !Escaped:
                return double.TryParse(StringBytes, NumberStyles.Float, CultureInfo.InvariantCulture, out number);
            default:
                number = 0;
                return false;
        }
    }

    public bool StringEquals(byte[] utf8, string text) =>
        Type == JsonTokenType.String && (Escaped ? GetString() == text : StringBytes.SequenceEqual(utf8));

    public bool StringContains(byte[] utf8, string text) =>
        Type == JsonTokenType.String && (Escaped ? GetString()!.Contains(text, StringComparison.Ordinal) : StringBytes.IndexOf(utf8) >= 0);

    public bool StringStartsWith(byte[] utf8, string text) =>
        Type == JsonTokenType.String && (Escaped ? GetString()!.StartsWith(text, StringComparison.Ordinal) : StringBytes.StartsWith(utf8));

    /// <summary>The elements of an array value (none for anything else).</summary>
    public List<JsonValue> Elements()
    {
        var elements = new List<JsonValue>();
        if (Type != JsonTokenType.StartArray)
        {
            return elements;
        }

        try
        {
            var reader = new Utf8JsonReader(Raw.Span);
            reader.Read();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                elements.Add(At(ref reader, Raw));
            }
        }
        catch (JsonException)
        {
            // Malformed input (the top-level scan does not validate): the elements read so far.
        }

        return elements;
    }

    /// <summary>The value of <paramref name="key"/> in an object value (missing for anything else).</summary>
    public JsonValue Member(string key)
    {
        if (Type != JsonTokenType.StartObject)
        {
            return Missing;
        }

        try
        {
            var reader = new Utf8JsonReader(Raw.Span);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var match = reader.ValueTextEquals(key);
                reader.Read();
                if (match)
                {
                    return At(ref reader, Raw);
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Malformed input reads as missing.
        }

        return Missing;
    }

    /// <summary>The value the reader stands on, as a slice of <paramref name="source"/> (which the reader reads).</summary>
    internal static JsonValue At(ref Utf8JsonReader reader, ReadOnlyMemory<byte> source)
    {
        var start = (int)reader.TokenStartIndex;
        var type = reader.TokenType;
        switch (type)
        {
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                reader.Skip();
                return new JsonValue(type, source[start..((int)reader.TokenStartIndex + 1)], false);
            case JsonTokenType.String:
                return new JsonValue(type, source.Slice(start, reader.ValueSpan.Length + 2), reader.ValueIsEscaped);
            default:
                return new JsonValue(type, source.Slice(start, reader.ValueSpan.Length), false);
        }
    }

    private string Unescape()
    {
        try
        {
            var reader = new Utf8JsonReader(Raw.Span);
            reader.Read();
            return reader.GetString()!;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // A bad escape (not from the gateway, which validates): the text as it stands.
            return Encoding.UTF8.GetString(StringBytes);
        }
    }
}
