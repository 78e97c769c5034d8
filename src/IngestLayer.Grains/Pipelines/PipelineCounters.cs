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

    public void Count(string workspace, string pipelineId, bool passed)
    {
        var counts = _counts.GetOrAdd((workspace, pipelineId), static _ => new Counts());
        Interlocked.Increment(ref counts.Matched);
        if (!passed)
        {
            Interlocked.Increment(ref counts.FilteredOut);
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
