using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

public sealed class MemorySourceStoreTests : SourceStoreContract
{
    protected override ISourceStore Store { get; } = new MemorySourceStore();
}
