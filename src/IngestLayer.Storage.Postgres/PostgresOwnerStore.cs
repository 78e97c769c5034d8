using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>Durable mode's book of business: the <c>owners</c> table, upserted on <c>(workspace, account_id)</c>.</summary>
public sealed class PostgresOwnerStore(NpgsqlDataSource dataSource) : IOwnerStore
{
    public async ValueTask UpsertAsync(string workspace, IReadOnlyList<OwnerRecord> records, CancellationToken cancellationToken)
    {
        // Last row per account wins, and ON CONFLICT DO UPDATE refuses to touch one row twice in a statement.
        var latest = new Dictionary<string, OwnerRecord>(records.Count, StringComparer.Ordinal);
        foreach (var record in records)
        {
            latest[record.AccountId] = record;
        }

        if (latest.Count == 0)
        {
            return;
        }

        try
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO owners (workspace, account_id, owner, slack_channel, updated_at)
                SELECT $1, u.account_id, u.owner, u.slack_channel, now()
                FROM unnest($2, $3, $4) AS u(account_id, owner, slack_channel)
                ON CONFLICT (workspace, account_id)
                DO UPDATE SET owner = excluded.owner, slack_channel = excluded.slack_channel, updated_at = excluded.updated_at
                """);
            command.Parameters.Add(SqlParameters.Text(workspace));
            command.Parameters.Add(SqlParameters.TextArray([.. latest.Values.Select(r => r.AccountId)]));
            command.Parameters.Add(SqlParameters.TextArray([.. latest.Values.Select(r => r.Owner)]));
            command.Parameters.Add(SqlParameters.TextArray([.. latest.Values.Select(r => r.SlackChannel)]));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "store owner assignments");
        }
    }

    public async ValueTask<OwnerRecord?> GetAsync(string workspace, string accountId, CancellationToken cancellationToken)
    {
        var found = await QueryAsync(
            "SELECT account_id, owner, slack_channel FROM owners WHERE workspace = $1 AND account_id = $2",
            workspace, accountId, cancellationToken);
        return found.SingleOrDefault();
    }

    public async ValueTask<IReadOnlyList<OwnerRecord>> ListByOwnerAsync(string workspace, string owner, CancellationToken cancellationToken) =>
        // COLLATE "C": ordinal order, the same as the in-memory store, whatever the database's locale.
        await QueryAsync(
            """SELECT account_id, owner, slack_channel FROM owners WHERE workspace = $1 AND owner = $2 ORDER BY account_id COLLATE "C" """,
            workspace, owner, cancellationToken);

    private async Task<List<OwnerRecord>> QueryAsync(string sql, string workspace, string key, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(SqlParameters.Text(workspace));
            command.Parameters.Add(SqlParameters.Text(key));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var records = new List<OwnerRecord>();
            while (await reader.ReadAsync(cancellationToken))
            {
                records.Add(new OwnerRecord(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }

            return records;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "read owner assignments");
        }
    }
}
