namespace IngestLayer.Storage;

/// <summary>
/// Sources created through the ops API and their key digests. Every host reads the whole list every few
/// seconds into its in-memory key map (the hot path never reads the store), so this stays small: one row per
/// source, revoked ones kept for the record.
/// </summary>
public interface ISourceStore
{
    /// <summary>
    /// Stores a new source; false (and nothing stored) when the workspace already has a source of that name
    /// that is not revoked. Decided by a unique index, so two hosts creating one name at once get one true.
    /// </summary>
    ValueTask<bool> CreateAsync(SourceRecord source, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the key of the workspace's live source <paramref name="name"/>: the current digest becomes the
    /// previous one, valid until <paramref name="previousValidUntil"/> (a key rotated earlier is dropped).
    /// Returns the source as stored, or null when there is no such source that is not revoked.
    /// </summary>
    ValueTask<SourceRecord?> RotateAsync(
        string workspace, string name, string keyDigest, string keyPrefix, DateTimeOffset previousValidUntil, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Revokes the workspace's live source <paramref name="name"/>; returns it as stored, or null when there is none.</summary>
    ValueTask<SourceRecord?> RevokeAsync(string workspace, string name, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every source, revoked ones too when <paramref name="includeRevoked"/>, ordered by workspace, name and creation.</summary>
    ValueTask<IReadOnlyList<SourceRecord>> ListAsync(bool includeRevoked, CancellationToken cancellationToken);
}
