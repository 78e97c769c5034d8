using IngestLayer.Storage;

namespace IngestLayer.Slack;

/// <summary>
/// The delivery worker's per-channel budget. A channel's window opens with the first alert posted to it
/// and lasts <see cref="Window"/>; within it the first <c>budget</c> alerts go out on their own and the rest
/// are held, to be posted together as one digest when the window ends. Used by the worker loop only, so
/// not thread-safe.
/// </summary>
internal sealed class ChannelBudget
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, ChannelWindow> _windows = new(StringComparer.Ordinal);

    /// <summary>Counts one alert against the channel's window and returns true if it may go out on its own; else it is held.</summary>
    public bool TryPostSingle(string channel, OutboxEntry entry, int budget, DateTimeOffset now)
    {
        if (!_windows.TryGetValue(channel, out var window) || (now >= window.Start + Window && window.Held.Count == 0))
        {
            window = new ChannelWindow(now);
            _windows[channel] = window;
        }

        if (window.Posted < budget)
        {
            window.Posted++;
            return true;
        }

        window.Held.Add(entry);
        return false;
    }

    /// <summary>Removes the windows that have ended and returns the alerts each held, one digest per channel.</summary>
    public IReadOnlyList<(string Channel, IReadOnlyList<OutboxEntry> Entries)> TakeEndedDigests(DateTimeOffset now)
    {
        var digests = new List<(string, IReadOnlyList<OutboxEntry>)>();
        foreach (var (channel, window) in _windows.Where(w => now >= w.Value.Start + Window).ToList())
        {
            _windows.Remove(channel);
            if (window.Held.Count > 0)
            {
                digests.Add((channel, window.Held));
            }
        }

        return digests;
    }

    private sealed class ChannelWindow(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;

        public int Posted { get; set; }

        public List<OutboxEntry> Held { get; } = [];
    }
}
