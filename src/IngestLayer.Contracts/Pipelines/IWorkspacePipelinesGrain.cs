namespace IngestLayer.Contracts;

/// <summary>
/// A workspace's pipelines and named lists, keyed by the workspace name: the one writer per workspace (so version
/// numbers never race) and the source every silo's cached, compiled copy refreshes from.
/// </summary>
[Alias("IngestLayer.IWorkspacePipelinesGrain")]
public interface IWorkspacePipelinesGrain : IGrainWithStringKey
{
    Task<PipelineSet> GetAsync();

    /// <summary>Stores a new version of <paramref name="pipeline"/> (its <see cref="PipelineDefinition.Version"/> is ignored).</summary>
    Task<SaveResult<PipelineDefinition>> SaveAsync(PipelineDefinition pipeline, WriteMode mode, int? expectedVersion);

    /// <summary>Deletes the pipeline (a new, deleted version: history stays); NotFound if there is none.</summary>
    Task<SaveResult<PipelineDefinition>> DeleteAsync(string pipelineId);

    /// <summary>Creates or replaces a named list (a new version).</summary>
    Task<SaveResult<NamedListDefinition>> SaveListAsync(NamedListDefinition list);

    Task<SaveResult<NamedListDefinition>> DeleteListAsync(string name);

    /// <summary>Adds a silo's counts since its last report.</summary>
    Task ReportAsync(IReadOnlyList<PipelineCountDelta> deltas);

    /// <summary>The pipeline's totals since this grain activated (zero for a pipeline nothing has reached).</summary>
    Task<PipelineCounts> GetCountsAsync(string pipelineId);
}
