using System.Text.Json.Serialization;
using IngestLayer.Contracts.Webhooks;

namespace IngestLayer.Gateway.WebhookSources;

/// <summary>
/// A webhook source as the ops API shows it. Secrets are never shown: <c>secrets_set</c> says how many there are, and
/// only the response of the write that generated one carries it (<see cref="Secrets"/>), once.
/// </summary>
public sealed record WebhookSourceDocument(
    string Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    string Scheme,
    string Url,
    int SecretsSet,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Secrets,
    MappingDocument Mapping,
    bool Enabled,
    int Version,
    DateTimeOffset? UpdatedAt)
{
    /// <summary>The path a source's provider posts to.</summary>
    public static string PathOf(string id) => "/v1/webhooks/" + id;

    public static WebhookSourceDocument From(WebhookSourceDefinition source, bool revealSecrets = false) => new(
        source.Id,
        source.Name,
        source.Scheme,
        PathOf(source.Id),
        source.Secrets.Count,
        revealSecrets ? source.Secrets : null,
        MappingDocument.From(source.Mapping),
        source.Enabled,
        source.Version,
        source.UpdatedAt);
}

/// <summary>A mapping as written (a preset's defaults are not spelled out); <c>properties</c> is a path list or a name → path object.</summary>
public sealed record MappingDocument(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Preset,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Event,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Account,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? User,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Timestamp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Plan,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Properties,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Names,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Unmapped)
{
    public static MappingDocument From(WebhookMapping m) => new(
        m.Preset, m.Event, m.Account, m.User, m.Timestamp, m.Id, m.Plan, (object?)m.PropertyMap ?? m.Properties, m.Names, m.Unmapped);
}

/// <summary>A workspace's webhook sources.</summary>
public sealed record WebhookSourceListResponse(string Workspace, IReadOnlyList<WebhookSourceDocument> Sources);
