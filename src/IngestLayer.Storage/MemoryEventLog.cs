using System.IO.Hashing;
using System.Runtime.InteropServices;
using IngestLayer.Contracts;
using Microsoft.Extensions.Options;

namespace IngestLayer.Storage;

/// <summary>
/// The embedded mode's event log: it deduplicates (source, message id) over the
/// last <see cref="EmbeddedOptions.EventLogCapacity"/> events. It keeps no event bodies: retaining them
/// would make the GC trace millions of objects, and nothing reads them back in embedded mode. Dedupe keys
/// are 64-bit hashes in a <see cref="DedupeWindow"/>, so the window costs flat arrays. Durable mode keeps every event whole
/// in PostgreSQL. For the same reason <see cref="ReadAsync"/> returns nothing and positions stay 0:
/// there is nothing to replay in a log that does not outlive the process.
/// </summary>
public sealed class MemoryEventLog : IEventLog
{
    private const int MaxStackEvents = 512;
    private readonly DedupeWindow _window;
    private readonly Lock _gate = new();

    private readonly IEventLogObserver? _observer;

    public MemoryEventLog(IOptions<EmbeddedOptions> options, IEventLogObserver? observer = null)
    {
        _observer = observer;
        _window = new DedupeWindow(options.Value.EventLogCapacity);
    }

    public ValueTask<IReadOnlyList<IngestEvent>> AppendAsync(IReadOnlyList<IngestEvent> events, CancellationToken cancellationToken)
    {
        // Hash outside the lock: it is most of the per-event work.
        var keys = events.Count <= MaxStackEvents ? stackalloc ulong[events.Count] : new ulong[events.Count];
        var added = events.Count <= MaxStackEvents ? stackalloc bool[events.Count] : new bool[events.Count];
        // A request's events nearly always share one source: its hash, the seed, is computed once.
        string? source = null;
        var seed = 0L;
        for (var i = 0; i < keys.Length; i++)
        {
            var e = events[i];
            if (!ReferenceEquals(e.Source, source))
            {
                (source, seed) = (e.Source, SourceSeed(e.Source));
            }

            keys[i] = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(e.MessageId.AsSpan()), seed);
        }

        // The common request repeats nothing: then the caller's list is the answer, and nothing is copied.
        List<IngestEvent>? copy = null;
        IReadOnlyList<IngestEvent> stored;
        lock (_gate)
        {
            _window.Add(keys, added);
            for (var i = 0; i < keys.Length; i++)
            {
                if (!added[i])
                {
                    copy ??= [.. events.Take(i)];
                }
                else
                {
                    copy?.Add(events[i]);
                }
            }

            stored = copy ?? events;
            if (stored.Count > 0)
            {
                _observer?.OnStored(stored);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<IngestEvent>>(stored);
    }

    public IAsyncEnumerable<IngestEvent> ReadAsync(long afterPosition, string? ingestedBy, int max, CancellationToken cancellationToken) =>
        AsyncEnumerable.Empty<IngestEvent>();

    public IAsyncEnumerable<StoredEvent> ReadAccountAsync(string workspace, string accountId, CancellationToken cancellationToken) =>
        AsyncEnumerable.Empty<StoredEvent>();

    public Task<IReadOnlyList<string>> ReadAccountIdsAsync(string workspace, string? afterAccountId, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    public Task<IReadOnlyList<IngestEvent>> ReadLatestAsync(string workspace, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IngestEvent>>([]);

    // An event's key is its message id's hash seeded with its source's. 64 bits: over a million-event window
    // the chance that two different ids collide is about 1 in 30 million.
    private static long SourceSeed(string source) => (long)XxHash3.HashToUInt64(MemoryMarshal.AsBytes(source.AsSpan()));
}
