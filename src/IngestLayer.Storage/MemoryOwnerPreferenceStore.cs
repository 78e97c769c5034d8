namespace IngestLayer.Storage;

/// <summary>The embedded mode's owner preferences: a dictionary per process, gone on restart like the rest of embedded state.</summary>
public sealed class MemoryOwnerPreferenceStore : IOwnerPreferenceStore
{
    private readonly Dictionary<WorkspaceOwner, OwnerPreferences> _preferences = [];
    private readonly Lock _gate = new();

    public ValueTask<OwnerPreferences?> GetAsync(string workspace, string owner, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_preferences.GetValueOrDefault(new WorkspaceOwner(workspace, owner)));
        }
    }

    public ValueTask<OwnerPreferences> SaveAsync(string workspace, OwnerPreferences preferences, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = preferences with { UpdatedAt = now };
        lock (_gate)
        {
            _preferences[new WorkspaceOwner(workspace, preferences.Owner)] = stored;
        }

        return ValueTask.FromResult(stored);
    }

    public ValueTask<IReadOnlyList<OwnerPreferences>> ListAsync(string workspace, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<OwnerPreferences> list = [.. _preferences
                .Where(p => p.Key.Workspace == workspace)
                .Select(p => p.Value)
                .OrderBy(p => p.Owner, StringComparer.Ordinal)];
            return ValueTask.FromResult(list);
        }
    }
}
