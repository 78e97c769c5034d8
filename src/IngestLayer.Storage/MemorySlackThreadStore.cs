using System.Collections.Concurrent;

namespace IngestLayer.Storage;

/// <summary>Embedded mode's <see cref="ISlackThreadStore"/>: one entry per account and channel, holding its latest day.</summary>
public sealed class MemorySlackThreadStore : ISlackThreadStore
{
    private readonly ConcurrentDictionary<(string Workspace, string AccountId, string Channel), (DateOnly Day, SlackThread Thread)> _threads = new();

    public ValueTask<SlackThread?> GetAsync(SlackThreadKey key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_threads.TryGetValue(Of(key), out var found) && found.Day == key.Day ? found.Thread : null);

    public ValueTask<SlackThread> AddAsync(SlackThreadKey key, SlackThread thread, CancellationToken cancellationToken)
    {
        var stored = _threads.AddOrUpdate(
            Of(key),
            (key.Day, thread),
            (_, existing) => existing.Day >= key.Day ? existing : (key.Day, thread));
        return ValueTask.FromResult(stored.Day == key.Day ? stored.Thread : thread);
    }

    private static (string, string, string) Of(SlackThreadKey key) => (key.Workspace, key.AccountId, key.Channel);
}
