using IngestLayer.Contracts;

namespace IngestLayer.Storage;

/// <summary>The embedded mode's config store for one kind: every version in memory, gone on restart like the rest of embedded state.</summary>
public class MemoryDocumentStore<T> : IDocumentStore<T>
    where T : class, IVersionedDocument<T>
{
    // Per workspace and id, the latest version and whether that version is a deletion.
    private readonly Dictionary<string, SortedDictionary<string, (T Document, bool Deleted)>> _workspaces = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ValueTask<IReadOnlyList<T>?> ListAsync(string workspace, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<T>? documents = _workspaces.TryGetValue(workspace, out var byId)
                ? [.. byId.Values.Where(r => !r.Deleted).Select(r => r.Document)]
                : null;
            return ValueTask.FromResult(documents);
        }
    }

    public ValueTask<SaveResult<T>> SaveAsync(string workspace, T document, WriteMode mode, int? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // A refused write leaves a workspace that never stored a document as it was (rules: on the default set).
            _workspaces.TryGetValue(workspace, out var byId);
            (T Document, bool Deleted) latest = default;
            var found = byId?.TryGetValue(document.Id, out latest) == true;
            var live = found && !latest.Deleted ? latest.Document : null;
            if (WriteChecks.Refuse(live, mode, expectedVersion) is { } refused)
            {
                return ValueTask.FromResult(refused);
            }

            var stored = document.Stamp(document.Id, (found ? latest.Document!.Version : 0) + 1, now);
            Workspace(workspace)[document.Id] = (stored, false);
            return ValueTask.FromResult(new SaveResult<T>(SaveOutcome.Saved, stored));
        }
    }

    public ValueTask<SaveResult<T>> DeleteAsync(string workspace, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_workspaces.TryGetValue(workspace, out var byId) || !byId.TryGetValue(id, out var latest) || latest.Deleted)
            {
                return ValueTask.FromResult(new SaveResult<T>(SaveOutcome.NotFound, null));
            }

            var deleted = latest.Document.Stamp(id, latest.Document.Version + 1, now);
            byId[id] = (deleted, true);
            return ValueTask.FromResult(new SaveResult<T>(SaveOutcome.Saved, deleted));
        }
    }

    /// <summary>The live document of <paramref name="id"/> in whichever workspace holds it (for kinds whose ids are unique across workspaces).</summary>
    protected (string Workspace, T Document)? FindLive(string id)
    {
        lock (_gate)
        {
            foreach (var (workspace, byId) in _workspaces)
            {
                if (byId.TryGetValue(id, out var latest) && !latest.Deleted)
                {
                    return (workspace, latest.Document);
                }
            }

            return null;
        }
    }

    private SortedDictionary<string, (T Document, bool Deleted)> Workspace(string workspace)
    {
        if (!_workspaces.TryGetValue(workspace, out var byId))
        {
            _workspaces[workspace] = byId = new(StringComparer.Ordinal);
        }

        return byId;
    }
}
