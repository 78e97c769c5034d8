using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

public sealed class MemorySlackThreadStoreTests : SlackThreadStoreContract
{
    protected override ISlackThreadStore Store { get; } = new MemorySlackThreadStore();
}
