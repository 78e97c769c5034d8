using System.IO.Hashing;
using System.Runtime.InteropServices;
using IngestLayer.Contracts;
using Microsoft.Extensions.Options;

namespace IngestLayer.Storage;

/// <summary>
/// The embedded mode's event log. It deduplicates (source, message id) over the last
/// <see cref="EmbeddedOptions.EventLogCapacity"/> events and keeps the most recent
/// <see cref="EmbeddedOptions.RecentEventCapacity"/> events for inspection. Dedupe keys are 128-bit
/// hashes in a ring, so a million-event window retains no per-event objects for the GC to trace.
/// Nothing survives a restart: durable mode keeps every event in PostgreSQL.
/// </summary>
public sealed class MemoryEventLog : IEventLog
{
    private readonly UInt128[] _window;
    private readonly HashSet<UInt128> _seen;
    private readonly IngestEvent[] _recent;
    private readonly Lock _gate = new();
    private long _count;

    public MemoryEventLog(IOptions<EmbeddedOptions> options)
    {
        _window = new UInt128[options.Value.EventLogCapacity];
        _seen = new HashSet<UInt128>(options.Value.EventLogCapacity);
        _recent = new IngestEvent[options.Value.RecentEventCapacity];
    }

    /// <summary>Events stored since start-up (duplicates excluded).</summary>
    public long Count
    {
        get { lock (_gate) { return _count; } }
    }

    public ValueTask<IReadOnlyList<IngestEvent>> AppendAsync(IReadOnlyList<IngestEvent> events, CancellationToken cancellationToken)
    {
        // Hash outside the lock: it is most of the per-event work.
        var keys = new UInt128[events.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = DedupeKey(events[i]);
        }

        var stored = new List<IngestEvent>(events.Count);
        lock (_gate)
        {
            for (var i = 0; i < keys.Length; i++)
            {
                if (!_seen.Add(keys[i]))
                {
                    continue;
                }

                var slot = (int)(_count % _window.Length);
                if (_count >= _window.Length)
                {
                    _seen.Remove(_window[slot]);
                }

                _window[slot] = keys[i];
                _recent[(int)(_count % _recent.Length)] = events[i];
                _count++;
                stored.Add(events[i]);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<IngestEvent>>(stored);
    }

    /// <summary>The most recent events, oldest first.</summary>
    public IReadOnlyList<IngestEvent> Recent()
    {
        lock (_gate)
        {
            var n = (int)Math.Min(_count, _recent.Length);
            var result = new IngestEvent[n];
            for (var i = 0; i < n; i++)
            {
                result[i] = _recent[(int)((_count - n + i) % _recent.Length)];
            }

            return result;
        }
    }

    private static UInt128 DedupeKey(IngestEvent e)
    {
        var hash = new XxHash128();
        hash.Append(MemoryMarshal.AsBytes(e.Source.AsSpan()));
        hash.Append([0, 0]);
        hash.Append(MemoryMarshal.AsBytes(e.MessageId.AsSpan()));
        return hash.GetCurrentHashAsUInt128();
    }
}
