using System.Security.Cryptography;
using System.Text.Json;
using IngestLayer.Contracts.Webhooks;
using IngestLayer.Gateway.Rules;
using IngestLayer.Webhooks;

namespace IngestLayer.Gateway.WebhookSources;

/// <summary>
/// Turns a webhook source document (JSON) into a <see cref="WebhookSourceDefinition"/>, or says, field by field, what
/// is wrong with it (<c>mapping.account[1]</c>). Paths are parsed here, so a stored source always maps.
/// </summary>
public static class WebhookSourceValidator
{
    public const string IdPrefix = "whsrc_";
    public const int MaxSecrets = 2;
    public const int MaxAlternatives = 8;
    public const int MaxNames = 200;
    public const int MaxPropertyMap = 50;

    private static readonly string[] Fields = ["id", "name", "scheme", "secrets", "mapping", "enabled", "version"];

    // What GET shows besides the writable fields: accepted and ignored, so a read-modify-write can send it back.
    private static readonly string[] ReadOnlyFields = ["url", "secrets_set", "updated_at"];
    private static readonly string[] MappingFields = ["preset", "event", "account", "user", "timestamp", "id", "plan", "properties", "names", "unmapped"];

    /// <summary>The outcome: a source and the version the caller expects to replace (if it said), or the errors.</summary>
    /// <param name="Source">The source, when valid.</param>
    /// <param name="ExpectedVersion">The version the document said it replaces.</param>
    /// <param name="Errors">Every problem, by field.</param>
    /// <param name="GeneratedSecret">A secret was made for the source by this write: the response shows it, once.</param>
    public sealed record Result(WebhookSourceDefinition? Source, int? ExpectedVersion, IReadOnlyList<DocumentFieldError> Errors, bool GeneratedSecret = false);

    /// <summary>A new source id: unguessable (96 random bits), so the URL cannot be found by trying.</summary>
    public static string NewId() => IdPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>Whether <paramref name="id"/> has the shape of an id <see cref="NewId"/> makes (checked before any lookup).</summary>
    public static bool IsWellFormedId(string? id) =>
        id is { Length: 30 } && id.StartsWith(IdPrefix, StringComparison.Ordinal) && id.AsSpan(IdPrefix.Length).ContainsAnyExcept("0123456789abcdef") == false;

    /// <summary>
    /// Validates <paramref name="body"/>. <paramref name="previous"/> is the version a PUT replaces (null for a POST):
    /// its id is kept, and its secrets when the body gives none (the API never shows them, so a read-modify-write
    /// cannot send them back).
    /// </summary>
    public static Result Validate(JsonElement body, WebhookSourceDefinition? previous)
    {
        var errors = new List<DocumentFieldError>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("", "A webhook source is a JSON object."));
            return new Result(null, null, errors);
        }

        Unknown(body, [.. Fields, .. ReadOnlyFields], "", "a webhook source field", errors);
        if (body.TryGetProperty("id", out var id) && (previous is null || id.ValueKind != JsonValueKind.String || id.GetString() != previous.Id))
        {
            errors.Add(new("id", previous is null
                ? "is assigned by the server (whsrc_…) when the source is created; leave it out."
                : $"must be the id in the path ('{previous.Id}') or left out; a source cannot be renamed."));
        }

        var reader = new FieldReader(errors);
        var name = ReadName(body, errors);
        var enabled = reader.Bool(body, "enabled") ?? true;
        var version = (int?)reader.Integer(body, "version", 0, int.MaxValue);
        var scheme = reader.OneOf(body, "scheme", WebhookSchemes.All);
        if (!body.TryGetProperty("scheme", out _))
        {
            errors.Add(new("scheme", $"is required: one of {string.Join(", ", WebhookSchemes.All)}."));
        }

        var secrets = ReadSecrets(body, scheme, previous, errors, out var generated);
        var mapping = ReadMapping(body, scheme, errors);
        if (errors.Count > 0)
        {
            return new Result(null, null, errors);
        }

        return new Result(
            new WebhookSourceDefinition
            {
                Id = previous?.Id ?? NewId(),
                Name = name,
                Scheme = scheme!,
                Secrets = secrets!,
                Mapping = mapping!,
                Enabled = enabled,
            },
            version,
            errors,
            generated);
    }

    private static string? ReadName(JsonElement body, List<DocumentFieldError> errors)
    {
        if (!body.TryGetProperty("name", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && value.GetString()!.Length is > 0 and <= 200)
        {
            return value.GetString();
        }

        errors.Add(new("name", "must be a string of 1 to 200 characters."));
        return null;
    }

    private static IReadOnlyList<string>? ReadSecrets(
        JsonElement body, string? scheme, WebhookSourceDefinition? previous, List<DocumentFieldError> errors, out bool generated)
    {
        generated = false;
        if (!body.TryGetProperty("secrets", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            // Kept across a PUT unless the scheme changed (a Stripe secret is no Standard Webhooks one).
            if (previous is not null && previous.Scheme == scheme)
            {
                return previous.Secrets;
            }

            generated = true;
            return [StandardWebhookSecret.Generate().Reveal()];
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() is 0 or > MaxSecrets
            || value.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String))
        {
            errors.Add(new("secrets", $"must be a list of 1 to {MaxSecrets} secrets (two while rotating), or left out to have one made."));
            return null;
        }

        var secrets = value.EnumerateArray().Select(s => s.GetString()!).ToList();
        for (var i = 0; i < secrets.Count; i++)
        {
            // The messages never repeat the secret: a refused write's answer may end up in a log.
            if (scheme == WebhookSchemes.StandardWebhooks && !StandardWebhookSecret.TryParse(secrets[i], out _))
            {
                errors.Add(new($"secrets[{i}]", "must be a Standard Webhooks secret: 'whsec_' and the base64 of 24 to 64 random bytes."));
            }
            else if (secrets[i].Trim().Length is < 8 or > 256 || secrets[i].Trim() != secrets[i])
            {
                errors.Add(new($"secrets[{i}]", "must be 8 to 256 characters without surrounding spaces (Stripe shows it as whsec_… on the endpoint's page)."));
            }
        }

        if (secrets.Distinct(StringComparer.Ordinal).Count() != secrets.Count)
        {
            errors.Add(new("secrets", "lists the same secret twice."));
        }

        return secrets;
    }

    private static WebhookMapping? ReadMapping(JsonElement body, string? scheme, List<DocumentFieldError> errors)
    {
        if (!body.TryGetProperty("mapping", out var m) || m.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("mapping", "is required: {\"preset\": \"stripe\"}, or the paths of event, account, id… (see the README's Webhook ingress)."));
            return null;
        }

        var before = errors.Count;
        Unknown(m, MappingFields, "mapping.", "a mapping field", errors);
        var reader = new FieldReader(errors, "mapping.");
        var preset = reader.OneOf(m, "preset", WebhookPresets.All);
        var unmapped = reader.OneOf(m, "unmapped", WebhookUnmapped.All);
        var mapping = new WebhookMapping
        {
            Preset = preset,
            Event = ReadPaths(m, "event", errors),
            Account = ReadPaths(m, "account", errors),
            User = ReadPaths(m, "user", errors),
            Timestamp = ReadPaths(m, "timestamp", errors),
            Id = ReadPaths(m, "id", errors),
            Plan = ReadPaths(m, "plan", errors),
            Names = ReadNames(m, errors),
            Unmapped = unmapped,
        };
        if (m.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            mapping = mapping with { PropertyMap = ReadPropertyMap(properties, errors) };
        }
        else
        {
            mapping = mapping with { Properties = ReadPaths(m, "properties", errors) };
        }

        if (errors.Count > before)
        {
            return null;
        }

        if (preset is null)
        {
            if (mapping.Event is null)
            {
                errors.Add(new("mapping.event", "is required without a preset: the path of the event name, e.g. \"$.type\"."));
            }

            if (mapping.Account is null && mapping.User is null)
            {
                errors.Add(new("mapping.account", "is required without a preset (or mapping.user): the path of the account id, e.g. \"$.data.object.customer\"."));
            }
        }

        // Stripe signs no message id: the payload's own id is what makes a redelivery recognisable.
        if (scheme == WebhookSchemes.Stripe && preset is null && mapping.Id is null)
        {
            errors.Add(new("mapping.id", "is required for the stripe scheme: the path of the payload's unique id (e.g. \"$.id\"), which deduplicates redeliveries."));
        }

        return errors.Count > before ? null : mapping;
    }

    /// <summary>A path, or a list of alternatives tried in order.</summary>
    private static IReadOnlyList<string>? ReadPaths(JsonElement m, string name, List<DocumentFieldError> errors)
    {
        if (!m.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var field = "mapping." + name;
        if (value.ValueKind == JsonValueKind.String)
        {
            return CheckPath(value.GetString()!, field, errors) ? [value.GetString()!] : null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() is 0 or > MaxAlternatives)
        {
            errors.Add(new(field, $"must be a JSONPath (\"$.data.object.customer\") or a list of 1 to {MaxAlternatives} tried in order."));
            return null;
        }

        var paths = new List<string>();
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var at = $"{field}[{i++}]";
            if (item.ValueKind != JsonValueKind.String)
            {
                errors.Add(new(at, "must be a JSONPath string."));
            }
            else if (CheckPath(item.GetString()!, at, errors))
            {
                paths.Add(item.GetString()!);
            }
        }

        return paths;
    }

    private static bool CheckPath(string text, string field, List<DocumentFieldError> errors)
    {
        if (JsonPath.TryParse(text, out _, out var error))
        {
            return true;
        }

        errors.Add(new(field, error + "."));
        return false;
    }

    private static IReadOnlyDictionary<string, string>? ReadPropertyMap(JsonElement value, List<DocumentFieldError> errors)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in value.EnumerateObject())
        {
            var at = $"mapping.properties.{p.Name}";
            if (p.Name.Length is 0 or > 100)
            {
                errors.Add(new("mapping.properties", "property names must be 1 to 100 characters."));
            }
            else if (p.Value.ValueKind != JsonValueKind.String)
            {
                errors.Add(new(at, "must be a JSONPath string."));
            }
            else if (CheckPath(p.Value.GetString()!, at, errors))
            {
                map[p.Name] = p.Value.GetString()!;
            }
        }

        if (map.Count > MaxPropertyMap)
        {
            errors.Add(new("mapping.properties", $"may pick at most {MaxPropertyMap} properties."));
        }

        return map;
    }

    private static IReadOnlyDictionary<string, string>? ReadNames(JsonElement m, List<DocumentFieldError> errors)
    {
        if (!m.TryGetProperty("names", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("mapping.names", "must be an object: the provider's event name → the event name to store, e.g. {\"invoice.payment_failed\": \"billing invoice payment failed\"}."));
            return null;
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in value.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString()!.Trim().Length is 0 or > 256 || p.Name.Length is 0 or > 256)
            {
                errors.Add(new($"mapping.names.{p.Name}", "must map a name of 1 to 256 characters to an event name of 1 to 256 characters."));
            }
            else
            {
                names[p.Name] = p.Value.GetString()!;
            }
        }

        if (names.Count > MaxNames)
        {
            errors.Add(new("mapping.names", $"may hold at most {MaxNames} names."));
        }

        return names;
    }

    private static void Unknown(JsonElement obj, string[] known, string prefix, string what, List<DocumentFieldError> errors)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (!known.Contains(p.Name, StringComparer.Ordinal))
            {
                errors.Add(new(prefix + p.Name, $"is not {what}; known: {string.Join(", ", known.Except(ReadOnlyFields))}."));
            }
        }
    }
}
