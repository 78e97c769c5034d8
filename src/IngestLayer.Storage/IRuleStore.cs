using IngestLayer.Contracts;

namespace IngestLayer.Storage;

/// <summary>The rules part of the config store. A workspace that never stored a rule lists null and runs on the default set.</summary>
public interface IRuleStore : IDocumentStore<RuleDefinition>;
