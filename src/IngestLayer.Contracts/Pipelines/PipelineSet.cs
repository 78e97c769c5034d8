namespace IngestLayer.Contracts;

/// <summary>A workspace's current pipelines (enabled or not, ordered by id) and the named lists their filters use.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.PipelineSet")]
public sealed record PipelineSet(
    [property: Id(0)] IReadOnlyList<PipelineDefinition> Pipelines,
    [property: Id(1)] IReadOnlyList<NamedListDefinition> Lists)
{
    public static readonly PipelineSet Empty = new([], []);
}
