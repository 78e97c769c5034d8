using IngestLayer.Contracts;
using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>Durable mode's rule store: documents of kind <c>rule</c>.</summary>
public sealed class PostgresRuleStore(NpgsqlDataSource dataSource) : PostgresDocumentStore<RuleDefinition>(dataSource, "rule"), IRuleStore;
