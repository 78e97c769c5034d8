using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

public sealed class MemoryWebhookSourceStoreTests : WebhookSourceStoreContract
{
    protected override IWebhookSourceStore Store { get; } = new MemoryWebhookSourceStore();
}
