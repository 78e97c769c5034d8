using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

public sealed class MemorySlackInstallationStoreTests : SlackInstallationStoreContract
{
    protected override ISlackInstallationStore Store { get; } = new MemorySlackInstallationStore();
}
