using IngestLayer.Contracts;

namespace IngestLayer.Storage;

/// <summary>The pipelines part of the config store.</summary>
public interface IPipelineStore : IDocumentStore<PipelineDefinition>;

/// <summary>The named lists part of the config store (filters' <c>list("name")</c>).</summary>
public interface INamedListStore : IDocumentStore<NamedListDefinition>;

/// <summary>The embedded mode's pipeline store.</summary>
public sealed class MemoryPipelineStore : MemoryDocumentStore<PipelineDefinition>, IPipelineStore;

/// <summary>The embedded mode's named list store.</summary>
public sealed class MemoryNamedListStore : MemoryDocumentStore<NamedListDefinition>, INamedListStore;
