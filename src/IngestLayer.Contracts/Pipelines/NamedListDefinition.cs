namespace IngestLayer.Contracts;

/// <summary>
/// A named set of values a filter can test against (<c>account.id in list("ada-book")</c>), uploaded as CSV. Kept in
/// the config store like pipelines, one version per upload, so a pipeline compiled once sees the latest upload.
/// </summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.NamedListDefinition")]
public sealed record NamedListDefinition : IVersionedDocument<NamedListDefinition>
{
    /// <summary>The list's name, as filters spell it.</summary>
    [Id(0)] public string Id { get; init; } = "";
    [Id(1)] public IReadOnlyList<string> Values { get; init; } = [];
    [Id(2)] public int Version { get; init; }
    [Id(3)] public DateTimeOffset? UpdatedAt { get; init; }

    public NamedListDefinition Stamp(string id, int version, DateTimeOffset? updatedAt) => this with { Id = id, Version = version, UpdatedAt = updatedAt };
}
