namespace IngestLayer.Storage;

/// <summary>The embedded mode's sources: a list per process, gone on restart like the rest of embedded state.</summary>
public sealed class MemorySourceStore : ISourceStore
{
    private readonly List<SourceRecord> _sources = [];
    private readonly Lock _gate = new();

    public ValueTask<bool> CreateAsync(SourceRecord source, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (LiveIndex(source.Workspace, source.Name) >= 0)
            {
                return ValueTask.FromResult(false);
            }

            // The PostgreSQL store's unique digest index refuses a second source with one key; so does this.
            if (_sources.Any(s => s.KeyDigest == source.KeyDigest))
            {
                throw new StorageRejectedException("Another source already has this key digest.");
            }

            _sources.Add(source with { RotatedAt = null, PreviousKeyDigest = null, PreviousKeyValidUntil = null, RevokedAt = null });
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<SourceRecord?> RotateAsync(
        string workspace, string name, string keyDigest, string keyPrefix, DateTimeOffset previousValidUntil, DateTimeOffset now, CancellationToken cancellationToken) =>
        Change(workspace, name, s => s with
        {
            KeyDigest = keyDigest,
            KeyPrefix = keyPrefix,
            RotatedAt = now,
            PreviousKeyDigest = s.KeyDigest,
            PreviousKeyValidUntil = previousValidUntil,
        });

    public ValueTask<SourceRecord?> RevokeAsync(string workspace, string name, DateTimeOffset now, CancellationToken cancellationToken) =>
        Change(workspace, name, s => s with { RevokedAt = now });

    public ValueTask<IReadOnlyList<SourceRecord>> ListAsync(bool includeRevoked, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<SourceRecord> list = [.. _sources
                .Where(s => includeRevoked || s.RevokedAt is null)
                .OrderBy(s => s.Workspace, StringComparer.Ordinal)
                .ThenBy(s => s.Name, StringComparer.Ordinal)
                .ThenBy(s => s.CreatedAt)];
            return ValueTask.FromResult(list);
        }
    }

    private ValueTask<SourceRecord?> Change(string workspace, string name, Func<SourceRecord, SourceRecord> change)
    {
        lock (_gate)
        {
            var index = LiveIndex(workspace, name);
            if (index < 0)
            {
                return ValueTask.FromResult<SourceRecord?>(null);
            }

            _sources[index] = change(_sources[index]);
            return ValueTask.FromResult<SourceRecord?>(_sources[index]);
        }
    }

    private int LiveIndex(string workspace, string name) =>
        _sources.FindIndex(s => s.Workspace == workspace && s.Name == name && s.RevokedAt is null);
}
