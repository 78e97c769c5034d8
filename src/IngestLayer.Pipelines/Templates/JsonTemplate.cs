using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace IngestLayer.Pipelines.Templates;

/// <summary>
/// A JSON document (a webhook payload) whose string values may hold <see cref="MessageTemplate"/> placeholders.
/// A string that is exactly one placeholder takes the value's own JSON type (a number stays a number, a property
/// object is copied whole, missing is <c>null</c>); any other string renders as a JSON-escaped string. Keys and
/// everything else are copied as written.
/// </summary>
public sealed class JsonTemplate
{
    private readonly byte[] _template;
    private readonly (int Start, int End, MessageTemplate Value)[] _holes;

    private JsonTemplate(string text, byte[] template, (int, int, MessageTemplate)[] holes)
    {
        Text = text;
        _template = template;
        _holes = holes;
    }

    public string Text { get; }

    public static JsonTemplate Parse(string text) =>
        TryParse(text, out var template, out var error) ? template : throw new FormatException(error.Message);

    public static bool TryParse(string text, [NotNullWhen(true)] out JsonTemplate? template, [NotNullWhen(false)] out TemplateError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        template = null;
        var utf8 = Encoding.UTF8.GetBytes(text);
        var holes = new List<(int, int, MessageTemplate)>();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.IndexOf((byte)'$') < 0)
                {
                    continue;
                }

                var start = (int)reader.TokenStartIndex;
                if (!MessageTemplate.TryParse(reader.GetString()!, out var value, out var inner))
                {
                    // Columns count characters from the template's start; the string's own start is one past its quote.
                    error = inner.Shift(Encoding.UTF8.GetCharCount(utf8, 0, start) + 1);
                    return false;
                }

                if (value.Placeholders.Count > 0 || value.Text.Contains("$$", StringComparison.Ordinal))
                {
                    holes.Add((start, start + reader.ValueSpan.Length + 2, value));
                }
            }
        }
        catch (JsonException e)
        {
            var column = (int)(e.BytePositionInLine ?? 0) + 1;
            error = new TemplateError($"the template is not valid JSON (line {(e.LineNumber ?? 0) + 1})", column, null);
            return false;
        }

        error = null;
        template = new JsonTemplate(text, utf8, [.. holes]);
        return true;
    }

    /// <summary>Renders the payload for one event as UTF-8 JSON.</summary>
    public byte[] RenderUtf8(FilterContext context)
    {
        var output = new ArrayBufferWriter<byte>(_template.Length + 256);
        // Relaxed escaping: a payload is not embedded in HTML, and "<url|text>" should reach Slack as written.
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var copied = 0;
        foreach (var (start, end, value) in _holes)
        {
            output.Write(_template.AsSpan(copied, start - copied));
            writer.Reset(output);
            if (value.Single is { } field)
            {
                field.WriteJson(writer, context);
            }
            else
            {
                writer.WriteStringValue(value.Render(context));
            }

            writer.Flush();
            copied = end;
        }

        output.Write(_template.AsSpan(copied));
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Renders the payload for one event as JSON text.</summary>
    public string Render(FilterContext context) => Encoding.UTF8.GetString(RenderUtf8(context));

    public override string ToString() => Text;
}
