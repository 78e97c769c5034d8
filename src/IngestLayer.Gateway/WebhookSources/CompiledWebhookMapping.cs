using System.Buffers;
using System.Globalization;
using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Contracts.Webhooks;

namespace IngestLayer.Gateway.WebhookSources;

/// <summary>
/// A webhook source's mapping with its preset applied and its paths parsed: turns one verified payload into one
/// <see cref="IngestEvent"/>. Built when a source is loaded, so a request only walks the paths.
/// </summary>
public sealed class CompiledWebhookMapping
{
    public const int MaxIdLength = 256;

    private readonly JsonPath[] _event;
    private readonly JsonPath[] _account;
    private readonly JsonPath[] _user;
    private readonly JsonPath[] _timestamp;
    private readonly JsonPath[] _id;
    private readonly JsonPath[] _plan;
    private readonly JsonPath[] _properties;
    private readonly (string Name, JsonPath Path)[] _propertyMap;
    private readonly IReadOnlyDictionary<string, string> _names;
    private readonly bool _keepUnmapped;
    private readonly Action<JsonElement, Utf8JsonWriter>? _extraProperties;

    private CompiledWebhookMapping(WebhookMapping effective, Action<JsonElement, Utf8JsonWriter>? extraProperties)
    {
        Effective = effective;
        _event = Paths(effective.Event);
        _account = Paths(effective.Account);
        _user = Paths(effective.User);
        _timestamp = Paths(effective.Timestamp);
        _id = Paths(effective.Id);
        _plan = Paths(effective.Plan);
        _properties = Paths(effective.Properties);
        _propertyMap = [.. (effective.PropertyMap ?? new Dictionary<string, string>()).Select(p => (p.Key, Parse(p.Value)))];
        _names = effective.Names ?? new Dictionary<string, string>();
        _keepUnmapped = effective.Unmapped == WebhookUnmapped.Keep || _names.Count == 0;
        _extraProperties = extraProperties;
    }

    /// <summary>The mapping as it runs: the preset's fields where the stored mapping left them out.</summary>
    public WebhookMapping Effective { get; }

    /// <summary>Whether the mapping reads the message id from the payload (required of Stripe-style sources, which sign no id header).</summary>
    public bool HasIdPath => _id.Length > 0;

    /// <summary>
    /// The stored mapping over its preset: fields it sets win, <c>names</c> are merged (its entries over the preset's).
    /// Assumes a validated mapping (known preset, parseable paths).
    /// </summary>
    public static CompiledWebhookMapping Compile(WebhookMapping mapping)
    {
        if (mapping.Preset != WebhookPresets.Stripe)
        {
            return new CompiledWebhookMapping(mapping, null);
        }

        var preset = StripePreset.Mapping;
        var ownProperties = mapping.Properties is not null || mapping.PropertyMap is not null;
        var names = new Dictionary<string, string>(preset.Names!, StringComparer.Ordinal);
        foreach (var (from, to) in mapping.Names ?? new Dictionary<string, string>())
        {
            names[from] = to;
        }

        var effective = new WebhookMapping
        {
            Preset = mapping.Preset,
            Event = mapping.Event ?? preset.Event,
            Account = mapping.Account ?? preset.Account,
            User = mapping.User ?? preset.User,
            Timestamp = mapping.Timestamp ?? preset.Timestamp,
            Id = mapping.Id ?? preset.Id,
            Plan = mapping.Plan ?? preset.Plan,
            Properties = ownProperties ? mapping.Properties : null,
            PropertyMap = ownProperties ? mapping.PropertyMap : preset.PropertyMap,
            Names = names,
            Unmapped = mapping.Unmapped ?? preset.Unmapped,
        };
        return new CompiledWebhookMapping(effective, ownProperties ? null : StripePreset.WriteAmount);
    }

    /// <summary>
    /// Maps <paramref name="root"/>. <paramref name="messageId"/> is the verified <c>webhook-id</c> of a Standard
    /// Webhooks request (null for Stripe-style ones, whose id comes from the payload); <paramref name="signedAt"/> the
    /// signed send time, used when the payload has no timestamp.
    /// </summary>
    public WebhookMappingResult Map(JsonElement root, string workspace, string sourceId, string? messageId, DateTimeOffset? signedAt, DateTimeOffset receivedAt)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return WebhookMappingResult.Failed("", "the payload must be a JSON object");
        }

        if (!TryString(root, _event, out var providerName, out var error))
        {
            return WebhookMappingResult.Failed("mapping.event", error ?? $"found no event name at {Describe(_event)}");
        }

        string name;
        if (_names.TryGetValue(providerName, out var mapped))
        {
            name = mapped;
        }
        else if (_keepUnmapped)
        {
            name = providerName;
        }
        else
        {
            return WebhookMappingResult.Ignored(providerName);
        }

        if (messageId is null && !TryString(root, _id, out messageId, out error))
        {
            return WebhookMappingResult.Failed("mapping.id", error ?? $"found no message id at {Describe(_id)}");
        }

        if (messageId.Length > MaxIdLength)
        {
            return WebhookMappingResult.Failed("mapping.id", $"the message id is over {MaxIdLength} characters");
        }

        // Optional fields: a path that finds a value of the wrong type is an error, one that finds nothing is not.
        if (!TryOptionalString(root, _account, "mapping.account", out var account, out var failure)
            || !TryOptionalString(root, _user, "mapping.user", out var user, out failure)
            || !TryOptionalString(root, _plan, "mapping.plan", out var plan, out failure)
            || !TryTimestamp(root, out var timestamp, out failure))
        {
            return failure!;
        }

        if (account is null && user is null)
        {
            return WebhookMappingResult.Failed("mapping.account", $"found no account at {Describe(_account)} and no user at {Describe(_user)}; an event needs one of them");
        }

        var properties = Properties(root, out failure);
        if (failure is not null)
        {
            return failure;
        }

        return new WebhookMappingResult(new IngestEvent
        {
            Workspace = workspace,
            Source = sourceId,
            MessageId = messageId,
            Kind = EventKind.Track,
            Name = name,
            UserId = user,
            // Billing providers act for no user: the source stands in, as one pseudo-user per source.
            AnonymousId = user is null ? sourceId : null,
            AccountId = account,
            Timestamp = timestamp ?? signedAt ?? receivedAt,
            ReceivedAt = receivedAt,
            Plan = plan,
            Properties = properties,
        });
    }

    private ReadOnlyMemory<byte> Properties(JsonElement root, out WebhookMappingResult? failure)
    {
        failure = null;
        if (_properties.Length > 0)
        {
            if (!First(root, _properties, out var value))
            {
                return "{}"u8.ToArray();
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                failure = WebhookMappingResult.Failed("mapping.properties", $"found {value.ValueKind.ToString().ToLowerInvariant()} at {Describe(_properties)}, not an object");
                return default;
            }

            return System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value).ToArray();
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (propertyName, path) in _propertyMap)
            {
                if (path.TryFind(root, out var value))
                {
                    writer.WritePropertyName(propertyName);
                    value.WriteTo(writer);
                }
            }

            _extraProperties?.Invoke(root, writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory.ToArray();
    }

    private bool TryTimestamp(JsonElement root, out DateTimeOffset? timestamp, out WebhookMappingResult? failure)
    {
        timestamp = null;
        failure = null;
        if (!First(root, _timestamp, out var value))
        {
            return true;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) && seconds is > 946_684_800 and < 253_402_300_799)
        {
            timestamp = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        if (value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            && at.Year is >= 2000 and <= 9000)
        {
            timestamp = at.ToUniversalTime();
            return true;
        }

        failure = WebhookMappingResult.Failed("mapping.timestamp", $"found a value at {Describe(_timestamp)} that is neither Unix seconds nor an ISO 8601 date-time");
        return false;
    }

    private static bool TryOptionalString(JsonElement root, JsonPath[] paths, string field, out string? result, out WebhookMappingResult? failure)
    {
        failure = null;
        if (TryString(root, paths, out result, out var error) || error is null)
        {
            return true;
        }

        failure = WebhookMappingResult.Failed(field, error);
        return false;
    }

    /// <summary>The first path's value as an id-like string (strings and integers); error set when a value is found but unusable.</summary>
    private static bool TryString(JsonElement root, JsonPath[] paths, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? result, out string? error)
    {
        result = null;
        error = null;
        if (!First(root, paths, out var value, out var path))
        {
            return false;
        }

        result = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number when value.TryGetInt64(out var n) => n.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        if (result is null || string.IsNullOrWhiteSpace(result) || result.Length > MaxIdLength)
        {
            error = $"found {Kind(value)} at {path!.Text}; a non-empty string or integer of at most {MaxIdLength} characters is needed";
            result = null;
            return false;
        }

        return true;
    }

    private static bool First(JsonElement root, JsonPath[] paths, out JsonElement value) => First(root, paths, out value, out _);

    private static bool First(JsonElement root, JsonPath[] paths, out JsonElement value, out JsonPath? path)
    {
        foreach (var candidate in paths)
        {
            if (candidate.TryFind(root, out value))
            {
                path = candidate;
                return true;
            }
        }

        value = default;
        path = null;
        return false;
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "an empty or over-long string",
        JsonValueKind.Number => "a number that is not an integer",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "a boolean",
    };

    private static string Describe(JsonPath[] paths) => paths.Length == 0 ? "(no path configured)" : string.Join(" or ", paths.Select(p => p.Text));

    private static JsonPath[] Paths(IReadOnlyList<string>? paths) => paths is null ? [] : [.. paths.Select(Parse)];

    private static JsonPath Parse(string text) =>
        JsonPath.TryParse(text, out var path, out var error) ? path : throw new ArgumentException($"Unvalidated path '{text}': {error}", nameof(text));
}
