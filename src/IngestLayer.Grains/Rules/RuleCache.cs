using System.Collections.Concurrent;
using IngestLayer.Contracts;
using Microsoft.Extensions.Options;

namespace IngestLayer.Grains.Rules;

/// <summary>
/// The silo's copy of each workspace's compiled rules. Account grains read it once per batch (a dictionary
/// look-up), so rules cost no grain call on the hot path; an entry older than
/// <see cref="RulesOptions.RefreshInterval"/> is fetched again from the workspace's rules grain, and the rules
/// grain replaces its own silo's entry the moment a rule changes.
/// </summary>
public sealed class RuleCache(IGrainFactory grains, IOptions<RulesOptions> options)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly long _refreshMs = (long)options.Value.RefreshInterval.TotalMilliseconds;

    public ValueTask<CompiledRules> GetAsync(string workspace)
    {
        // Monotonic time, not the application clock: this is freshness of a copy, not a business time.
        if (_entries.TryGetValue(workspace, out var entry) && Environment.TickCount64 - entry.FetchedAt < _refreshMs)
        {
            return ValueTask.FromResult(entry.Rules);
        }

        return new ValueTask<CompiledRules>(FetchAsync(workspace));
    }

    /// <summary>Fetches the workspace's rules from its rules grain now, whatever the age of this silo's copy.</summary>
    public Task<CompiledRules> RefreshAsync(string workspace) => FetchAsync(workspace);

    /// <summary>Replaces the workspace's entry (the rules grain calls this on its silo after a change).</summary>
    public CompiledRules Update(string workspace, RuleSet rules)
    {
        var compiled = CompiledRules.Compile(rules);
        _entries[workspace] = new Entry(compiled, Environment.TickCount64);
        return compiled;
    }

    private async Task<CompiledRules> FetchAsync(string workspace)
    {
        var rules = await grains.GetGrain<IWorkspaceRulesGrain>(GrainKeys.Rules(workspace)).GetAsync();
        return Update(workspace, rules);
    }

    private sealed record Entry(CompiledRules Rules, long FetchedAt);
}
