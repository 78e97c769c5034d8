using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>Durable mode's sources: the <c>sources</c> table (db/0011), one live row per workspace and name.</summary>
public sealed class PostgresSourceStore(NpgsqlDataSource dataSource) : ISourceStore
{
    private const string Columns =
        "workspace, name, key_digest, key_prefix, created_at, rotated_at, previous_key_digest, previous_key_valid_until, revoked_at";

    public async ValueTask<bool> CreateAsync(SourceRecord source, CancellationToken cancellationToken)
    {
        try
        {
            // The partial unique index decides a duplicate name, not a read before the insert (which would race).
            await using var command = dataSource.CreateCommand("""
                INSERT INTO sources (workspace, name, key_digest, key_prefix, created_at)
                VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (workspace, name) WHERE revoked_at IS NULL DO NOTHING
                """);
            command.Parameters.Add(SqlParameters.Text(source.Workspace));
            command.Parameters.Add(SqlParameters.Text(source.Name));
            command.Parameters.Add(SqlParameters.Text(source.KeyDigest));
            command.Parameters.Add(SqlParameters.Text(source.KeyPrefix));
            command.Parameters.Add(SqlParameters.Time(source.CreatedAt));
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "create a source");
        }
    }

    public async ValueTask<SourceRecord?> RotateAsync(
        string workspace, string name, string keyDigest, string keyPrefix, DateTimeOffset previousValidUntil, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // In one statement, so the previous digest is the one this update replaced even with a rotation racing it.
        var found = await QueryAsync(
            $"""
            UPDATE sources
            SET previous_key_digest = key_digest, previous_key_valid_until = $5, key_digest = $3, key_prefix = $4, rotated_at = $6
            WHERE workspace = $1 AND name = $2 AND revoked_at IS NULL
            RETURNING {Columns}
            """,
            [SqlParameters.Text(workspace), SqlParameters.Text(name), SqlParameters.Text(keyDigest), SqlParameters.Text(keyPrefix),
             SqlParameters.Time(previousValidUntil), SqlParameters.Time(now)],
            "rotate a source's key",
            cancellationToken);
        return found.SingleOrDefault();
    }

    public async ValueTask<SourceRecord?> RevokeAsync(string workspace, string name, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var found = await QueryAsync(
            $"UPDATE sources SET revoked_at = $3 WHERE workspace = $1 AND name = $2 AND revoked_at IS NULL RETURNING {Columns}",
            [SqlParameters.Text(workspace), SqlParameters.Text(name), SqlParameters.Time(now)],
            "revoke a source",
            cancellationToken);
        return found.SingleOrDefault();
    }

    public async ValueTask<IReadOnlyList<SourceRecord>> ListAsync(bool includeRevoked, CancellationToken cancellationToken) =>
        // COLLATE "C": ordinal order, the same as the in-memory store, whatever the database's locale.
        await QueryAsync(
            $"""
            SELECT {Columns} FROM sources
            WHERE $1 OR revoked_at IS NULL
            ORDER BY workspace COLLATE "C", name COLLATE "C", created_at, id
            """,
            [new NpgsqlParameter<bool> { TypedValue = includeRevoked }],
            "read sources",
            cancellationToken);

    private async Task<List<SourceRecord>> QueryAsync(string sql, NpgsqlParameter[] parameters, string operation, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.AddRange(parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var found = new List<SourceRecord>();
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(new SourceRecord(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                    reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8)));
            }

            return found;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, operation);
        }
    }
}
