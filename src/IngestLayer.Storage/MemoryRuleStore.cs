using IngestLayer.Contracts;

namespace IngestLayer.Storage;

/// <summary>The embedded mode's rule store.</summary>
public sealed class MemoryRuleStore : MemoryDocumentStore<RuleDefinition>, IRuleStore;
