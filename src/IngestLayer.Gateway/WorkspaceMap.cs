namespace IngestLayer.Gateway;

/// <summary>
/// Values keyed by (workspace, id), stored as one plain string dictionary per workspace. A dispatch round
/// nearly always holds one workspace, and plain string keys hash several times faster than tuples of them.
/// </summary>
internal sealed class WorkspaceMap<T>
{
    private readonly Dictionary<string, Dictionary<string, T>> _workspaces = new(StringComparer.Ordinal);
    private string? _lastWorkspace;
    private Dictionary<string, T>? _last;

    public int Count { get; private set; }

    public ref T? GetValueRefOrAddDefault(string workspace, string key, out bool exists)
    {
        ref var value = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(For(workspace), key, out exists);
        if (!exists)
        {
            Count++;
        }

        return ref value;
    }

    public bool TryGetValue(string workspace, string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value)
    {
        if (_workspaces.TryGetValue(workspace, out var map))
        {
            return map.TryGetValue(key, out value);
        }

        value = default;
        return false;
    }

    public bool Remove(string workspace, string key, out T value)
    {
        if (_workspaces.TryGetValue(workspace, out var map) && map.Remove(key, out value!))
        {
            Count--;
            return true;
        }

        value = default!;
        return false;
    }

    public IEnumerable<(string Workspace, string Key, T Value)> All()
    {
        foreach (var (workspace, map) in _workspaces)
        {
            foreach (var (key, value) in map)
            {
                yield return (workspace, key, value);
            }
        }
    }

    private Dictionary<string, T> For(string workspace)
    {
        if (_last is not null && (ReferenceEquals(workspace, _lastWorkspace) || workspace == _lastWorkspace))
        {
            return _last;
        }

        if (!_workspaces.TryGetValue(workspace, out var map))
        {
            _workspaces[workspace] = map = [];
        }

        (_lastWorkspace, _last) = (workspace, map);
        return map;
    }
}
