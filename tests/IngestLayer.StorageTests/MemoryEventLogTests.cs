using IngestLayer.Storage;
using Microsoft.Extensions.Options;

namespace IngestLayer.StorageTests;

public sealed class MemoryEventLogTests : EventLogContract
{
    protected override IEventLog Log { get; } = new MemoryEventLog(Options.Create(new EmbeddedOptions()));

    protected override bool KeepsEvents => false;
}
