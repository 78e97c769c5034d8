using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

public sealed class MemoryOwnerStoreTests : OwnerStoreContract
{
    protected override IOwnerStore Store { get; } = new MemoryOwnerStore();
}
