using System.Collections.Concurrent;
using IngestLayer.Contracts;

namespace IngestLayer.Grains.Pipelines;

/// <summary>
/// This silo's counts of events each pipeline took (matched) and dropped in a filter, since they were last reported
/// to the workspace's pipelines grain. Counting is a few interlocked adds, so the hot path never waits on a grain.
/// </summary>
public sealed class PipelineCounters
{
    private readonly ConcurrentDictionary<(string Workspace, string PipelineId), Counts> _counts = new();

    /// <summary>Adds a batch's counts of one pipeline: events it took, and of those, events a filter dropped.</summary>
    public void Add(string workspace, string pipelineId, long matched, long filteredOut)
    {
        var counts = _counts.GetOrAdd((workspace, pipelineId), static _ => new Counts());
        Interlocked.Add(ref counts.Matched, matched);
        if (filteredOut != 0)
        {
            Interlocked.Add(ref counts.FilteredOut, filteredOut);
        }
    }

    /// <summary>Takes the counts made since the last call, per workspace (zero counts left out).</summary>
    public Dictionary<string, List<PipelineCountDelta>> Drain()
    {
        var drained = new Dictionary<string, List<PipelineCountDelta>>(StringComparer.Ordinal);
        foreach (var ((workspace, pipelineId), counts) in _counts)
        {
            var matched = Interlocked.Exchange(ref counts.Matched, 0);
            var filtered = Interlocked.Exchange(ref counts.FilteredOut, 0);
            if (matched != 0 || filtered != 0)
            {
                if (!drained.TryGetValue(workspace, out var list))
                {
                    drained[workspace] = list = [];
                }

                list.Add(new PipelineCountDelta(pipelineId, matched, filtered));
            }
        }

        return drained;
    }

    private sealed class Counts
    {
        public long Matched;
        public long FilteredOut;
    }
}
