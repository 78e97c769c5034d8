using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace IngestLayer.Gateway.Parsing;

/// <summary>Typed reads of event fields that name the field and the expected type when they fail.</summary>
internal static class JsonFields
{
    /// <summary>
    /// Names, plans and account ids repeat from event to event; one copy of each serves them all. User ids
    /// are not pooled: there are too many of them for the pool to stay in cache, and a lookup that misses
    /// the cache (measured: about a tenth of the gateway's CPU with 128K slots) costs more than the string.
    /// </summary>
    private static readonly Utf8StringPool Strings = new(1 << 15);

    /// <summary>The string of an unescaped JSON string's content, from the pool (see <see cref="Strings"/>).</summary>
    public static string Pooled(ReadOnlySpan<byte> utf8) => Strings.Get(utf8);

    /// <summary>Reads ahead the pool's slot for <paramref name="utf8"/> (see <see cref="Utf8StringPool.Prefetch"/>); returns the hash for <see cref="Pooled(ReadOnlySpan{byte}, ulong)"/>.</summary>
    public static ulong PrefetchPooled(ReadOnlySpan<byte> utf8, ref int touched) => Strings.Prefetch(utf8, ref touched);

    /// <summary>As <see cref="Pooled(ReadOnlySpan{byte})"/>, with the hash <see cref="PrefetchPooled"/> returned.</summary>
    public static string Pooled(ReadOnlySpan<byte> utf8, ulong hash) => Strings.Get(utf8, hash);

    public const int MaxIdLength = 256;
    public const int MaxNameLength = 256;
    public const int MaxTraitValueLength = 1024;
    public const int MaxTraits = 100;

    /// <summary>An id: a non-empty string or an integer (Segment accepts both), at most 256 characters.</summary>
    public static string? Id(JsonElement obj, string name, string? label = null, bool pooled = true) =>
        obj.TryGetProperty(name, out var value) ? ReadId(value, label ?? name, pooled) : null;

    public static string? ReadId(JsonElement value, string label, bool pooled = true)
    {
        var id = value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => pooled ? Strings.Get(value) : value.GetString()!,
            JsonValueKind.Number when value.TryGetInt64(out var n) => n.ToString(CultureInfo.InvariantCulture),
            _ => throw new FieldError(label, $"must be a string or an integer, got {Describe(value)}"),
        };
        if (id is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(id))
        {
            throw new FieldError(label, "must not be empty");
        }

        return id.Length <= MaxIdLength ? id : throw new FieldError(label, $"must be at most {MaxIdLength} characters (the limit for ids)");
    }

    public static string? String(JsonElement obj, string name, int maxLength, string? label = null) =>
        obj.TryGetProperty(name, out var value) ? ReadString(value, maxLength, label ?? name) : null;

    public static string? ReadString(JsonElement value, int maxLength, string label, bool pooled = true)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new FieldError(label, $"must be a string, got {Describe(value)}");
        }

        var s = pooled ? Strings.Get(value) : value.GetString()!;
        if (string.IsNullOrWhiteSpace(s))
        {
            throw new FieldError(label, "must not be empty");
        }

        return s.Length <= maxLength ? s : throw new FieldError(label, $"must be at most {maxLength} characters ({LimitName(maxLength)})");
    }

    private static string LimitName(int maxLength) => maxLength switch
    {
        MaxNameLength => "the limit for names, plans and features",
        MaxTraitValueLength => "the limit for trait values",
        _ => "the limit for this field",
    };

    public static DateTimeOffset? Timestamp(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) ? ReadTimestamp(value, name) : null;

    public static DateTimeOffset? ReadTimestamp(JsonElement value, string label)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // The UTF-8 ISO 8601 reader first (no string, no culture); the general parser for other layouts.
        if (value.ValueKind == JsonValueKind.String
            && (value.TryGetDateTimeOffset(out var at)
                || DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out at))
            && at.Year is >= 2000 and <= 9000)
        {
            return at.ToUniversalTime();
        }

        throw new FieldError(label, "must be an ISO 8601 date-time, e.g. \"2026-11-23T19:00:00Z\"");
    }

    /// <summary>An optional JSON object, returned as its raw UTF-8 JSON (kept whole), or <c>{}</c>.</summary>
    public static (ReadOnlyMemory<byte> Raw, JsonElement? Element) Object(JsonElement obj, string name, string? label = null) =>
        obj.TryGetProperty(name, out var value) ? ReadObject(value, label ?? name) : (EmptyObject, null);

    public static (ReadOnlyMemory<byte> Raw, JsonElement? Element) ReadObject(JsonElement value, string label) => value.ValueKind switch
    {
        JsonValueKind.Null => (EmptyObject, null),
        JsonValueKind.Object => (JsonMarshal.GetRawUtf8Value(value).ToArray(), value),
        _ => throw new FieldError(label, $"must be a JSON object, got {Describe(value)}"),
    };

    internal static readonly ReadOnlyMemory<byte> EmptyObject = "{}"u8.ToArray();

    /// <summary>The scalar traits of a traits object, as strings (objects and arrays stay only in the raw JSON).</summary>
    public static Dictionary<string, string>? Traits(JsonElement? traits)
    {
        if (traits is not { } t)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in t.EnumerateObject())
        {
            if (result.Count >= MaxTraits)
            {
                break;
            }

            string? value = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                _ => null,
            };
            if (value is not null && value.Length <= MaxTraitValueLength && p.Name.Length <= MaxNameLength)
            {
                result[p.Name] = value;
            }
        }

        return result;
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => value.ValueKind.ToString(),
    };
}
