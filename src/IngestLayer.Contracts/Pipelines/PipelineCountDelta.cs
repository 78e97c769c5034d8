namespace IngestLayer.Contracts;

/// <summary>Events a pipeline took and dropped in a filter on one silo since its last report.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.PipelineCountDelta")]
public sealed record PipelineCountDelta(
    [property: Id(0)] string PipelineId,
    [property: Id(1)] long Matched,
    [property: Id(2)] long FilteredOut);

/// <summary>A pipeline's totals: events taken (matched its names) and dropped by a filter, since its workspace's pipelines grain activated.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.PipelineCounts")]
public sealed record PipelineCounts(
    [property: Id(0)] long Matched,
    [property: Id(1)] long FilteredOut,
    [property: Id(2)] DateTimeOffset Since);
