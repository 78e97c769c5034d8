using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

public sealed class MemoryPipelineStoreTests : PipelineStoreContract
{
    protected override IPipelineStore Pipelines { get; } = new MemoryPipelineStore();

    protected override INamedListStore Lists { get; } = new MemoryNamedListStore();
}
