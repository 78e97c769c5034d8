using IngestLayer.Contracts.Webhooks;
using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>Durable mode's webhook source store: documents of kind <c>webhook_source</c> (0012).</summary>
public sealed class PostgresWebhookSourceStore : PostgresDocumentStore<WebhookSourceDefinition>, IWebhookSourceStore
{
    public const string Kind = "webhook_source";

    private readonly NpgsqlDataSource _dataSource;

    public PostgresWebhookSourceStore(NpgsqlDataSource dataSource) : base(dataSource, Kind) => _dataSource = dataSource;

    public async ValueTask<WebhookSourceEntry?> FindAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            // Served by 0012's index on (id, version) of this kind; the latest version decides, deleted or not.
            await using var command = _dataSource.CreateCommand("""
                SELECT id, version, body::text, updated_at, deleted, workspace FROM config_documents
                WHERE kind = $1 AND id = $2 ORDER BY version DESC LIMIT 1
                """);
            command.Parameters.Add(SqlParameters.Text(Kind));
            command.Parameters.Add(SqlParameters.Text(id));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) && !reader.GetBoolean(4)
                ? new WebhookSourceEntry(reader.GetString(5), Read(reader))
                : null;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "read a webhook source");
        }
    }
}
