using IngestLayer.Contracts;
using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>Durable mode's pipeline store: documents of kind <c>pipeline</c>.</summary>
public sealed class PostgresPipelineStore(NpgsqlDataSource dataSource) : PostgresDocumentStore<PipelineDefinition>(dataSource, "pipeline"), IPipelineStore;

/// <summary>Durable mode's named list store: documents of kind <c>list</c> (0010).</summary>
public sealed class PostgresNamedListStore(NpgsqlDataSource dataSource) : PostgresDocumentStore<NamedListDefinition>(dataSource, "list"), INamedListStore;
