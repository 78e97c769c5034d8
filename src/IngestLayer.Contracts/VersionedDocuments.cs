namespace IngestLayer.Contracts;

/// <summary>
/// A workspace configuration document kept as versions (rules, pipelines): every write is a new version, a
/// delete is a version marked deleted, so history stays and a re-created id continues its numbering.
/// </summary>
/// <typeparam name="TSelf">The document type itself, so stores can stamp it without knowing it.</typeparam>
public interface IVersionedDocument<TSelf>
    where TSelf : IVersionedDocument<TSelf>
{
    /// <summary>Unique in the workspace among documents of the type.</summary>
    string Id { get; }

    /// <summary>1 when created, one more on every change; 0 for a document never stored.</summary>
    int Version { get; }

    /// <summary>The same document under <paramref name="id"/> as version <paramref name="version"/>, written at <paramref name="updatedAt"/>.</summary>
    TSelf Stamp(string id, int version, DateTimeOffset? updatedAt);
}

/// <summary>How a document write ended.</summary>
[GenerateSerializer, Alias("IngestLayer.SaveOutcome")]
public enum SaveOutcome
{
    Saved = 0,
    /// <summary>A create named a document that exists.</summary>
    AlreadyExists = 1,
    /// <summary>A replace or delete named a document that does not exist.</summary>
    NotFound = 2,
    /// <summary>The caller expected another version (someone else changed the document meanwhile).</summary>
    VersionMismatch = 3,
}

/// <summary>The outcome of a document write, with the document as stored (or as found, on a mismatch).</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.SaveResult`1")]
public sealed record SaveResult<T>(
    [property: Id(0)] SaveOutcome Outcome,
    [property: Id(1)] T? Document);

/// <summary>How a write treats an existing document of the same id.</summary>
[GenerateSerializer, Alias("IngestLayer.WriteMode")]
public enum WriteMode
{
    /// <summary>The document must not exist (POST).</summary>
    Create = 0,
    /// <summary>The document must exist (PUT); with an expected version, it must be that version.</summary>
    Replace = 1,
}
