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

    /// <summary>
    /// Counts one alert against the channel's window and returns true if it may go out on its own; else it is held.
    /// A <paramref name="key"/> gives a budget narrower than the channel's its own window (a pipeline's throttle in
    /// that channel); what it holds goes out as a digest to <paramref name="channel"/> all the same.
    /// </summary>
    public bool TryPostSingle(string channel, OutboxEntry entry, int budget, DateTimeOffset now, string? key = null)
    {
        key ??= channel;
        if (!_windows.TryGetValue(key, out var window) || (now >= window.Start + Window && window.Held.Count == 0))
        {
            window = new ChannelWindow(channel, now);
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

    /// <summary>Removes the windows that have ended and returns the alerts each held, one digest per channel.</summary>
    public IReadOnlyList<(string Channel, IReadOnlyList<OutboxEntry> Entries)> TakeEndedDigests(DateTimeOffset now)
    {
        var digests = new List<(string, IReadOnlyList<OutboxEntry>)>();
        foreach (var (key, window) in _windows.Where(w => now >= w.Value.Start + Window).ToList())
        {
            _windows.Remove(key);
            if (window.Held.Count > 0)
            {
                digests.Add((window.Channel, window.Held));
            }
        }

        return digests;
    }

    private sealed class ChannelWindow(string channel, DateTimeOffset start)
    {
        public string Channel { get; } = channel;

        public DateTimeOffset Start { get; } = start;

        public int Posted { get; set; }

        public List<OutboxEntry> Held { get; } = [];
    }
}
