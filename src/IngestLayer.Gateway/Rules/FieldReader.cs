using System.Text.Json;

namespace IngestLayer.Gateway.Rules;

/// <summary>Reads optional typed fields of a JSON object, recording an error that names the field when one has the wrong type or range.</summary>
internal readonly struct FieldReader(List<DocumentFieldError> errors, string prefix = "")
{
    public bool? Bool(JsonElement obj, string name)
    {
        if (!Get(obj, name, out var value))
        {
            return null;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        Error(name, "must be true or false.");
        return null;
    }

    public long? Integer(JsonElement obj, string name, long min, long max)
    {
        if (!Get(obj, name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n >= min && n <= max)
        {
            return n;
        }

        Error(name, $"must be a whole number from {min} to {max}.");
        return null;
    }

    public double? Number(JsonElement obj, string name, double min, double max, bool minExclusive = false)
    {
        if (!Get(obj, name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var n) && (minExclusive ? n > min : n >= min) && n <= max)
        {
            return n;
        }

        Error(name, $"must be a number {(minExclusive ? "greater than" : "at least")} {min} and at most {max}.");
        return null;
    }

    public string? OneOf(JsonElement obj, string name, IReadOnlyList<string> choices)
    {
        if (!Get(obj, name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && choices.Contains(value.GetString()!, StringComparer.Ordinal))
        {
            return value.GetString();
        }

        Error(name, $"must be one of {string.Join(", ", choices)}.");
        return null;
    }

    public TimeSpan? Duration(JsonElement obj, string name, TimeSpan max)
    {
        if (!Get(obj, name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && Durations.TryParse(value.GetString(), out var span) && span <= max)
        {
            return span;
        }

        Error(name, $"must be a duration such as \"30m\", \"24h\" or \"7d\", at most {Durations.Format(max)}.");
        return null;
    }

    /// <summary>An event name or feature key: a non-empty string of at most <see cref="RuleValidator.MaxNameLength"/> characters.</summary>
    public string? Name(JsonElement obj, string name)
    {
        if (!Get(obj, name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && IsName(value.GetString()!))
        {
            return value.GetString();
        }

        Error(name, $"must be a non-empty string of at most {RuleValidator.MaxNameLength} characters.");
        return null;
    }

    /// <summary>A non-empty list of names (feature keys, plans).</summary>
    public IReadOnlyList<string>? Names(JsonElement obj, string name)
    {
        if (!Get(obj, name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() is > 0 and <= RuleValidator.MaxListItems
            && value.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String && IsName(x.GetString()!)))
        {
            return [.. value.EnumerateArray().Select(x => x.GetString()!).Distinct(StringComparer.Ordinal)];
        }

        Error(name, $"must be a list of 1 to {RuleValidator.MaxListItems} non-empty strings of at most {RuleValidator.MaxNameLength} characters.");
        return null;
    }

    /// <summary>Exactly one of <c>event</c> and <c>feature</c>: the counter a rule watches.</summary>
    public (string? Event, string? Feature) EventOrFeature(JsonElement obj, bool required)
    {
        var e = obj.ValueKind == JsonValueKind.Object ? Name(obj, "event") : null;
        var f = obj.ValueKind == JsonValueKind.Object ? Name(obj, "feature") : null;
        if (e is not null && f is not null)
        {
            Error("feature", "cannot be given with 'event': a rule watches one counter.");
        }
        else if (required && e is null && f is null && !Has(obj, "event") && !Has(obj, "feature"))
        {
            Error("event", "or 'feature' is required: the event name or feature key to count.");
        }

        return (e, f);
    }

    /// <summary>Refuses <paramref name="names"/> when present: they belong to another variant of the kind.</summary>
    public void OnlyFor(JsonElement obj, IReadOnlyList<string> names, string variant)
    {
        foreach (var name in names)
        {
            if (Has(obj, name))
            {
                Error(name, $"does not apply to {variant}.");
            }
        }
    }

    private static bool Has(JsonElement obj, string name) => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out _);

    private static bool IsName(string s) => s.Length is > 0 and <= RuleValidator.MaxNameLength && !string.IsNullOrWhiteSpace(s);

    // A field given as null counts as absent (the default applies).
    private static bool Get(JsonElement obj, string name, out JsonElement value) =>
        obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private void Error(string name, string error) => errors.Add(new(prefix + name, error));
}
