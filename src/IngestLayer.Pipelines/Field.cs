using System.Globalization;
using System.Text;
using System.Text.Json;

namespace IngestLayer.Pipelines;

/// <summary>A resolved field path: how to read it from a <see cref="FilterContext"/>, and what type it has.</summary>
internal abstract class Field(string path)
{
    public string Path { get; } = path;

    /// <summary>The value as template text; null when missing.</summary>
    public abstract string? Text(FilterContext context);

    /// <summary>Writes the value with its JSON type (a string, a number, the raw property JSON), or null when missing.</summary>
    public virtual void WriteJson(Utf8JsonWriter writer, FilterContext context)
    {
        if (Text(context) is { } text)
        {
            writer.WriteStringValue(text);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>
/// A string field. <paramref name="untyped"/> fields (traits) hold whatever a source sent as a string, so they
/// also compare with numbers and booleans; typed ones (feature, plan, ...) are text and only compare with strings.
/// </summary>
internal sealed class TextField(string path, Func<FilterContext, string?> read, bool untyped, IReadOnlyList<string>? allowed = null) : Field(path)
{
    public Func<FilterContext, string?> Read { get; } = read;

    public bool Untyped { get; } = untyped;

    /// <summary>The only values the field can take (kind), so a literal outside them is refused when compiling.</summary>
    public IReadOnlyList<string>? Allowed { get; } = allowed;

    public override string? Text(FilterContext context) => Read(context);
}

/// <summary>An integer field (<c>account.health</c>).</summary>
internal sealed class NumberField(string path, Func<FilterContext, int?> read) : Field(path)
{
    public Func<FilterContext, int?> Read { get; } = read;

    public override string? Text(FilterContext context) => Read(context)?.ToString(CultureInfo.InvariantCulture);

    public override void WriteJson(Utf8JsonWriter writer, FilterContext context)
    {
        if (Read(context) is { } value)
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>The event's timestamp.</summary>
internal sealed class TimestampField(string path) : Field(path)
{
    public override string? Text(FilterContext context) => context.Event.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}

/// <summary>A path into the event's properties: the first key through the context's cache, deeper keys (or array indexes) by scanning.</summary>
internal sealed class PropertyField : Field
{
    private readonly string _key;
    private readonly byte[] _utf8Key;
    private readonly string[] _rest;

    public PropertyField(string path, string[] segments)
        : base(path)
    {
        _key = segments[0];
        _utf8Key = Encoding.UTF8.GetBytes(_key);
        _rest = segments[1..];
    }

    public JsonValue Read(FilterContext context)
    {
        var value = context.Property(_key, _utf8Key);
        foreach (var segment in _rest)
        {
            if (!value.Exists)
            {
                break;
            }

            value = value.Type == JsonTokenType.StartArray && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                ? value.Elements().ElementAtOrDefault(index)
                : value.Member(segment);
        }

        return value;
    }

    public override string? Text(FilterContext context) => Read(context).GetText();

    public override void WriteJson(Utf8JsonWriter writer, FilterContext context)
    {
        var value = Read(context);
        if (value.Exists)
        {
            writer.WriteRawValue(value.Raw.Span, skipInputValidation: true);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
