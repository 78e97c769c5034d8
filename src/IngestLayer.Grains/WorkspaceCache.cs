using System.Collections.Concurrent;

namespace IngestLayer.Grains;

/// <summary>
/// A silo's copy of something compiled per workspace (rules, pipelines). Grains read it once per batch (a dictionary
/// look-up), so it costs no grain call on the hot path; an entry older than the refresh interval is fetched again
/// from the workspace's grain, and that grain replaces its own silo's entry the moment something changes.
/// </summary>
public abstract class WorkspaceCache<T>(TimeSpan refreshInterval)
    where T : class
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly long _refreshMs = (long)refreshInterval.TotalMilliseconds;

    public ValueTask<T> GetAsync(string workspace)
    {
        // Monotonic time, not the application clock: this is freshness of a copy, not a business time.
        if (_entries.TryGetValue(workspace, out var entry) && Environment.TickCount64 - entry.FetchedAt < _refreshMs)
        {
            return ValueTask.FromResult(entry.Value);
        }

        return new ValueTask<T>(FetchAsync(workspace));
    }

    /// <summary>Fetches the workspace's current definitions from its grain and returns them compiled (through <see cref="Store"/>).</summary>
    protected abstract Task<T> FetchAsync(string workspace);

    /// <summary>Replaces the workspace's entry.</summary>
    protected T Store(string workspace, T value)
    {
        _entries[workspace] = new Entry(value, Environment.TickCount64);
        return value;
    }

    private sealed record Entry(T Value, long FetchedAt);
}
