using IngestLayer.Contracts;
using Microsoft.Extensions.Options;

namespace IngestLayer.Grains.Rules;

/// <summary>
/// The silo's copy of each workspace's compiled rules, refreshed every <see cref="RulesOptions.RefreshInterval"/>
/// from the workspace's rules grain, which replaces its own silo's entry the moment a rule changes.
/// </summary>
public sealed class RuleCache(IGrainFactory grains, IOptions<RulesOptions> options) : WorkspaceCache<CompiledRules>(options.Value.RefreshInterval)
{
    /// <summary>Fetches the workspace's rules from its rules grain now, whatever the age of this silo's copy.</summary>
    public Task<CompiledRules> RefreshAsync(string workspace) => FetchAsync(workspace);

    /// <summary>Replaces the workspace's entry (the rules grain calls this on its silo after a change).</summary>
    public CompiledRules Update(string workspace, RuleSet rules) => Store(workspace, CompiledRules.Compile(rules));

    protected override async Task<CompiledRules> FetchAsync(string workspace) =>
        Update(workspace, await grains.GetGrain<IWorkspaceRulesGrain>(GrainKeys.Rules(workspace)).GetAsync());
}
