using IngestLayer.Storage;
using Microsoft.Extensions.Options;

namespace IngestLayer.StorageTests;

public sealed class MemoryAlertOutboxTests : AlertOutboxContract
{
    private readonly MemoryAlertOutbox _outbox = new(Options.Create(new EmbeddedOptions()), TimeProvider.System);

    protected override IAlertOutbox Outbox => _outbox;

    // One process, one outbox: a second worker shares the instance.
    protected override IAlertOutbox SecondWorker => _outbox;
}
