using IngestLayer.Storage;

namespace IngestLayer.StorageTests;

public sealed class MemoryRuleStoreTests : RuleStoreContract
{
    protected override IRuleStore Store { get; } = new MemoryRuleStore();
}
