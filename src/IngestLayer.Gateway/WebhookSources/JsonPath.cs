using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace IngestLayer.Gateway.WebhookSources;

/// <summary>
/// The small JSONPath subset a webhook mapping needs: <c>$</c>, then member steps (<c>.name</c>, or
/// <c>['name with.dots']</c>) and array indexes (<c>[0]</c>). No wildcards, filters or slices: a mapping picks one
/// value per field, and a path that could pick several would make the event depend on the provider's ordering.
/// </summary>
public sealed class JsonPath
{
    public const int MaxLength = 256;
    public const int MaxSteps = 32;

    // A step is a member name or an array index; exactly one is set.
    private readonly (string? Name, int Index)[] _steps;

    private JsonPath(string text, (string? Name, int Index)[] steps)
    {
        Text = text;
        _steps = steps;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>, or says what is wrong with it.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out JsonPath? path, [NotNullWhen(false)] out string? error)
    {
        path = null;
        error = null;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength || text[0] != '$')
        {
            error = $"must be a JSONPath of at most {MaxLength} characters starting with '$', e.g. \"$.data.object.customer\"";
            return false;
        }

        var steps = new List<(string?, int)>();
        var i = 1;
        while (i < text.Length)
        {
            if (steps.Count == MaxSteps)
            {
                error = $"has more than {MaxSteps} steps";
                return false;
            }

            if (text[i] == '.')
            {
                var start = ++i;
                while (i < text.Length && text[i] is not ('.' or '['))
                {
                    i++;
                }

                var name = text[start..i];
                if (name.Length == 0 || name.Contains('*') || name.Contains(']'))
                {
                    error = $"has an empty or invalid member name at position {start} (wildcards are not supported)";
                    return false;
                }

                steps.Add((name, 0));
            }
            else if (text[i] == '[')
            {
                var close = text.IndexOf(']', i);
                if (close < 0)
                {
                    error = $"has an unclosed '[' at position {i}";
                    return false;
                }

                var inside = text[(i + 1)..close];
                if (inside.Length >= 2 && inside[0] is '\'' or '"' && inside[^1] == inside[0])
                {
                    steps.Add((inside[1..^1], 0));
                }
                else if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    steps.Add((null, index));
                }
                else
                {
                    error = $"has '[{inside}]' at position {i}: only array indexes ([0]) and quoted names (['a.b']) are supported";
                    return false;
                }

                i = close + 1;
            }
            else
            {
                error = $"has '{text[i]}' at position {i}, where '.' or '[' was expected";
                return false;
            }
        }

        path = new JsonPath(text, [.. steps]);
        return true;
    }

    /// <summary>The value at this path in <paramref name="root"/>; false when a step finds nothing (or JSON null).</summary>
    public bool TryFind(JsonElement root, out JsonElement value)
    {
        value = root;
        foreach (var (name, index) in _steps)
        {
            if (name is not null)
            {
                if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(name, out value))
                {
                    return false;
                }
            }
            else if (value.ValueKind != JsonValueKind.Array || index >= value.GetArrayLength())
            {
                return false;
            }
            else
            {
                value = value[index];
            }
        }

        return value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);
    }

    public override string ToString() => Text;
}
