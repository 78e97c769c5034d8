using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>Durable mode's owner preferences: the <c>owner_preferences</c> table, upserted on <c>(workspace, owner)</c>.</summary>
public sealed class PostgresOwnerPreferenceStore(NpgsqlDataSource dataSource) : IOwnerPreferenceStore
{
    private const string Columns = "owner, mode, digest_time, time_zone, channel, updated_at";

    public async ValueTask<OwnerPreferences?> GetAsync(string workspace, string owner, CancellationToken cancellationToken)
    {
        var found = await QueryAsync(
            $"SELECT {Columns} FROM owner_preferences WHERE workspace = $1 AND owner = $2",
            [SqlParameters.Text(workspace), SqlParameters.Text(owner)], cancellationToken);
        return found.SingleOrDefault();
    }

    public async ValueTask<OwnerPreferences> SaveAsync(string workspace, OwnerPreferences preferences, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = preferences with { UpdatedAt = now };
        try
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO owner_preferences (workspace, owner, mode, digest_time, time_zone, channel, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (workspace, owner)
                DO UPDATE SET mode = excluded.mode, digest_time = excluded.digest_time, time_zone = excluded.time_zone,
                              channel = excluded.channel, updated_at = excluded.updated_at
                """);
            command.Parameters.Add(SqlParameters.Text(workspace));
            command.Parameters.Add(SqlParameters.Text(stored.Owner));
            command.Parameters.Add(SqlParameters.Text(ModeText(stored.Mode)));
            command.Parameters.Add(SqlParameters.TimeOfDay(stored.DigestTime));
            command.Parameters.Add(SqlParameters.Text(stored.TimeZone));
            command.Parameters.Add(SqlParameters.Text(stored.Channel));
            command.Parameters.Add(SqlParameters.Time(now));
            await command.ExecuteNonQueryAsync(cancellationToken);
            return stored;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "store owner preferences");
        }
    }

    public async ValueTask<IReadOnlyList<OwnerPreferences>> ListAsync(string workspace, CancellationToken cancellationToken) =>
        // COLLATE "C": ordinal order, the same as the in-memory store, whatever the database's locale.
        await QueryAsync(
            $"""SELECT {Columns} FROM owner_preferences WHERE workspace = $1 ORDER BY owner COLLATE "C" """,
            [SqlParameters.Text(workspace)], cancellationToken);

    private static string ModeText(OwnerDeliveryMode mode) => mode == OwnerDeliveryMode.DailyDigest ? "daily_digest" : "live";

    private async Task<List<OwnerPreferences>> QueryAsync(string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.AddRange(parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var found = new List<OwnerPreferences>();
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(new OwnerPreferences(
                    reader.GetString(0),
                    reader.GetString(1) == "daily_digest" ? OwnerDeliveryMode.DailyDigest : OwnerDeliveryMode.Live,
                    reader.GetFieldValue<TimeOnly>(2),
                    reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetFieldValue<DateTimeOffset>(5)));
            }

            return found;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "read owner preferences");
        }
    }
}
