using System.Text.Json;
using IngestLayer.Contracts;
using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>
/// Durable mode's config store for one kind: <c>config_documents</c> rows of that kind, one per version (0005). A
/// write reads the latest version and inserts the next in one transaction; two writers racing on the same version
/// collide on the primary key, and the loser is told <see cref="SaveOutcome.VersionMismatch"/>.
/// </summary>
/// <param name="dataSource">The database.</param>
/// <param name="kind">The <c>config_documents.kind</c> (<c>rule</c>, <c>pipeline</c>).</param>
public class PostgresDocumentStore<T>(NpgsqlDataSource dataSource, string kind) : IDocumentStore<T>
    where T : class, IVersionedDocument<T>
{
    private static readonly JsonSerializerOptions BodyJson = new(JsonSerializerDefaults.Web);

    public async ValueTask<IReadOnlyList<T>?> ListAsync(string workspace, CancellationToken cancellationToken)
    {
        try
        {
            // The latest version of each document, deleted ones included: a workspace whose rules were all deleted
            // has an empty rule set, not the default one.
            await using var command = dataSource.CreateCommand("""
                SELECT DISTINCT ON (id) id, version, body::text, updated_at, deleted
                FROM config_documents WHERE workspace = $1 AND kind = $2
                ORDER BY id, version DESC
                """);
            command.Parameters.Add(SqlParameters.Text(workspace));
            command.Parameters.Add(SqlParameters.Text(kind));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var documents = new List<T>();
            var any = false;
            while (await reader.ReadAsync(cancellationToken))
            {
                any = true;
                if (!reader.GetBoolean(4))
                {
                    documents.Add(Read(reader));
                }
            }

            // Ordinal order, as the in-memory store, whatever the database's collation.
            return any ? [.. documents.OrderBy(r => r.Id, StringComparer.Ordinal)] : null;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, $"read {kind}s");
        }
    }

    public ValueTask<SaveResult<T>> SaveAsync(string workspace, T document, WriteMode mode, int? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(workspace, document.Id, now, deleted: false, latest => WriteChecks.Refuse(latest, mode, expectedVersion), _ => document, cancellationToken);

    public ValueTask<SaveResult<T>> DeleteAsync(string workspace, string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(workspace, id, now, deleted: true, latest => latest is null ? new(SaveOutcome.NotFound, null) : null, latest => latest!, cancellationToken);

    private async ValueTask<SaveResult<T>> WriteAsync(
        string workspace,
        string id,
        DateTimeOffset now,
        bool deleted,
        Func<T?, SaveResult<T>?> refuse,
        Func<T?, T> body,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            int latestVersion;
            T? live;
            await using (var read = new NpgsqlCommand("""
                SELECT id, version, body::text, updated_at, deleted FROM config_documents
                WHERE workspace = $1 AND kind = $3 AND id = $2 ORDER BY version DESC LIMIT 1
                """, connection, transaction))
            {
                read.Parameters.Add(SqlParameters.Text(workspace));
                read.Parameters.Add(SqlParameters.Text(id));
                read.Parameters.Add(SqlParameters.Text(kind));
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                var found = await reader.ReadAsync(cancellationToken);
                latestVersion = found ? reader.GetInt32(1) : 0;
                live = found && !reader.GetBoolean(4) ? Read(reader) : null;
            }

            if (refuse(live) is { } refused)
            {
                return refused;
            }

            var stored = body(live).Stamp(id, latestVersion + 1, now);
            await using (var insert = new NpgsqlCommand("""
                INSERT INTO config_documents (workspace, kind, id, version, body, updated_at, deleted)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, connection, transaction))
            {
                insert.Parameters.Add(SqlParameters.Text(workspace));
                insert.Parameters.Add(SqlParameters.Text(kind));
                insert.Parameters.Add(SqlParameters.Text(id));
                insert.Parameters.Add(SqlParameters.Int(stored.Version));
                insert.Parameters.Add(SqlParameters.Jsonb(JsonSerializer.Serialize(stored.Stamp(id, 0, null), BodyJson)));
                insert.Parameters.Add(SqlParameters.Time(now));
                insert.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = deleted });
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return new SaveResult<T>(SaveOutcome.Saved, stored);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another writer stored this version between our read and our insert.
            return new SaveResult<T>(SaveOutcome.VersionMismatch, null);
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, deleted ? $"delete a {kind}" : $"store a {kind}");
        }
    }

    // Version and time come from the columns: the body is the document as written, without them.
    protected static T Read(NpgsqlDataReader reader) =>
        (JsonSerializer.Deserialize<T>(reader.GetString(2), BodyJson)
            ?? throw new InvalidOperationException($"config_documents {reader.GetString(0)} has a null body."))
        .Stamp(reader.GetString(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(3));
}
