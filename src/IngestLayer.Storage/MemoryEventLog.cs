using IngestLayer.Contracts;
using Microsoft.Extensions.Options;

namespace IngestLayer.Storage;

/// <summary>
/// The embedded mode's event log: the most recent <see cref="EmbeddedOptions.EventLogCapacity"/> events
/// in memory, deduplicated per source over that span. Nothing survives a restart; durable mode uses PostgreSQL.
/// </summary>
public sealed class MemoryEventLog(IOptions<EmbeddedOptions> options) : IEventLog
{
    private readonly int _capacity = options.Value.EventLogCapacity;
    private readonly Queue<IngestEvent> _events = new();
    private readonly HashSet<(string Source, string MessageId)> _seen = [];
    private readonly Lock _gate = new();
    private long _position;

    public long Count
    {
        get { lock (_gate) { return _events.Count; } }
    }

    public ValueTask<IReadOnlyList<IngestEvent>> AppendAsync(IReadOnlyList<IngestEvent> events, CancellationToken cancellationToken)
    {
        var stored = new List<IngestEvent>(events.Count);
        lock (_gate)
        {
            foreach (var e in events)
            {
                if (!_seen.Add((e.Source, e.MessageId)))
                {
                    continue;
                }

                var positioned = e with { Position = ++_position };
                _events.Enqueue(positioned);
                stored.Add(positioned);
                if (_events.Count > _capacity)
                {
                    var evicted = _events.Dequeue();
                    _seen.Remove((evicted.Source, evicted.MessageId));
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<IngestEvent>>(stored);
    }

    /// <summary>The stored events, oldest first (for the ops API and tests).</summary>
    public IReadOnlyList<IngestEvent> Snapshot()
    {
        lock (_gate)
        {
            return [.. _events];
        }
    }
}
