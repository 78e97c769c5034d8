using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

public sealed class MemoryOwnerPreferenceStoreTests : OwnerPreferenceStoreContract
{
    protected override IOwnerPreferenceStore Store { get; } = new MemoryOwnerPreferenceStore();
}
