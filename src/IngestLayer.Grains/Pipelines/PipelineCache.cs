using IngestLayer.Contracts;
using IngestLayer.Grains.Rules;
using IngestLayer.Pipelines.Runtime;
using Microsoft.Extensions.Options;

namespace IngestLayer.Grains.Pipelines;

/// <summary>
/// The silo's copy of each workspace's compiled pipelines (and named lists), refreshed as often as rules are
/// (<see cref="RulesOptions.RefreshInterval"/>) from the workspace's pipelines grain, which replaces its own silo's
/// entry the moment a pipeline or list changes.
/// </summary>
public sealed class PipelineCache(IGrainFactory grains, IOptions<RulesOptions> options) : WorkspaceCache<CompiledPipelines>(options.Value.RefreshInterval)
{
    /// <summary>Replaces the workspace's entry (the pipelines grain calls this on its silo after a change).</summary>
    public CompiledPipelines Update(string workspace, PipelineSet set) => Store(workspace, CompiledPipelines.Compile(set));

    protected override async Task<CompiledPipelines> FetchAsync(string workspace) =>
        Update(workspace, await grains.GetGrain<IWorkspacePipelinesGrain>(workspace).GetAsync());
}
