using IngestLayer.Storage;

namespace IngestLayer.Slack;

/// <summary>
/// The delivery worker's pipeline throttles (<c>throttle_per_minute</c>). A pipeline's window opens with the first
/// message it sends and lasts <see cref="Window"/>; within it the first <c>budget</c> messages go out on their own
/// and the rest are held, to be posted together as digests (one per channel) when the window ends. Keys are
/// opaque (the worker keys pipelines so they cannot collide with anything else). Used by the worker loop only, so
/// not thread-safe.
/// </summary>
internal sealed class PipelineThrottle
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, KeyWindow> _windows = new(StringComparer.Ordinal);

    /// <summary>Counts one alert against the key's window and returns true if it may go out on its own; else it is held.</summary>
    public bool TryPostSingle(string key, OutboxEntry entry, int budget, DateTimeOffset now)
    {
        if (!_windows.TryGetValue(key, out var window) || (now >= window.Start + Window && window.Held.Count == 0))
        {
            window = new KeyWindow(now);
            _windows[key] = window;
        }

        if (window.Posted < budget)
        {
            window.Posted++;
            return true;
        }

        window.Held.Add(entry);
        return false;
    }

    /// <summary>Removes the windows that have ended and returns the alerts each held.</summary>
    public IReadOnlyList<(string Key, IReadOnlyList<OutboxEntry> Entries)> TakeEndedDigests(DateTimeOffset now)
    {
        var digests = new List<(string, IReadOnlyList<OutboxEntry>)>();
        foreach (var (key, window) in _windows.Where(w => now >= w.Value.Start + Window).ToList())
        {
            _windows.Remove(key);
            if (window.Held.Count > 0)
            {
                digests.Add((key, window.Held));
            }
        }

        return digests;
    }

    private sealed class KeyWindow(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;

        public int Posted { get; set; }

        public List<OutboxEntry> Held { get; } = [];
    }
}
