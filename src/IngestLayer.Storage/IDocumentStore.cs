using IngestLayer.Contracts;

namespace IngestLayer.Storage;

/// <summary>
/// One kind of the config store (rules, pipelines): per workspace, every version of every document, the latest
/// one current. A delete is a new version marked deleted, so history stays and a re-created id continues its numbering.
/// </summary>
public interface IDocumentStore<T>
    where T : class, IVersionedDocument<T>
{
    /// <summary>
    /// The workspace's live documents (latest version of each, deleted ones left out), ordered by id; null when the
    /// workspace has never stored one (for rules, what makes it run on the default set).
    /// </summary>
    ValueTask<IReadOnlyList<T>?> ListAsync(string workspace, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="document"/> as the next version of its id (1 for a new id, one past the latest,
    /// deleted or not, otherwise), stamped <paramref name="now"/>. <see cref="WriteMode.Create"/> refuses a live
    /// document of that id; <see cref="WriteMode.Replace"/> refuses a missing one and, given
    /// <paramref name="expectedVersion"/>, any other current version. Two writers racing on one version: one wins,
    /// the other gets <see cref="SaveOutcome.VersionMismatch"/>.
    /// </summary>
    ValueTask<SaveResult<T>> SaveAsync(string workspace, T document, WriteMode mode, int? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks the document deleted (a new version); <see cref="SaveOutcome.NotFound"/> when it is not live.</summary>
    ValueTask<SaveResult<T>> DeleteAsync(string workspace, string id, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>The write preconditions every store applies, in one place so they cannot drift apart.</summary>
public static class WriteChecks
{
    /// <summary>The refusal for a write against the current live document (null if none), or null when the write may go ahead.</summary>
    public static SaveResult<T>? Refuse<T>(T? live, WriteMode mode, int? expectedVersion)
        where T : class, IVersionedDocument<T> => mode switch
        {
            WriteMode.Create when live is not null => new(SaveOutcome.AlreadyExists, live),
            WriteMode.Replace when live is null => new(SaveOutcome.NotFound, null),
            WriteMode.Replace when expectedVersion is { } expected && expected != live!.Version => new(SaveOutcome.VersionMismatch, live),
            _ => null,
        };
}
