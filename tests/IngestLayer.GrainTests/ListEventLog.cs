using System.Runtime.CompilerServices;
using IngestLayer.Contracts;
using IngestLayer.Storage;

namespace IngestLayer.GrainTests;

/// <summary>An event log that keeps bodies in a list, assigning positions as a durable log does: the seam a backtest reads.</summary>
public sealed class ListEventLog : IEventLog
{
    private readonly List<IngestEvent> _events = [];
    private readonly Lock _gate = new();

    public ValueTask<IReadOnlyList<IngestEvent>> AppendAsync(IReadOnlyList<IngestEvent> events, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var stored = new List<IngestEvent>(events.Count);
            foreach (var e in events)
            {
                stored.Add(e with { Position = _events.Count + 1 });
                _events.Add(stored[^1]);
            }

            return ValueTask.FromResult<IReadOnlyList<IngestEvent>>(stored);
        }
    }

    public async IAsyncEnumerable<IngestEvent> ReadAsync(long afterPosition, string? ingestedBy, int max, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<IngestEvent> page;
        lock (_gate)
        {
            page = [.. _events.Where(e => e.Position > afterPosition).Take(max)];
        }

        foreach (var e in page)
        {
            await Task.Yield();
            yield return e;
        }
    }
}
