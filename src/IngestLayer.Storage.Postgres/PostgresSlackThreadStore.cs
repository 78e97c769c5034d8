using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>
/// Durable mode's <see cref="ISlackThreadStore"/>: the <c>slack_threads</c> table, one row per account and channel. A
/// later day replaces the row; within a day the first insert wins, so hosts racing to record the day's thread agree.
/// </summary>
public sealed class PostgresSlackThreadStore(NpgsqlDataSource dataSource) : ISlackThreadStore
{
    public async ValueTask<SlackThread?> GetAsync(SlackThreadKey key, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(
                "SELECT channel_id, ts FROM slack_threads WHERE workspace = $1 AND account_id = $2 AND channel = $3 AND day = $4");
            AddKey(command, key);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? new SlackThread(reader.GetString(0), reader.GetString(1)) : null;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "read the Slack thread of an account");
        }
    }

    public async ValueTask<SlackThread> AddAsync(SlackThreadKey key, SlackThread thread, CancellationToken cancellationToken)
    {
        try
        {
            // Replaces an older day's row; keeps a row of the same (or a later) day, and returns whichever stands.
            await using var command = dataSource.CreateCommand("""
                INSERT INTO slack_threads AS t (workspace, account_id, channel, day, channel_id, ts)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (workspace, account_id, channel) DO UPDATE
                    SET day = excluded.day, channel_id = excluded.channel_id, ts = excluded.ts, created_at = now()
                    WHERE t.day < excluded.day
                RETURNING day, channel_id, ts
                """);
            AddKey(command, key);
            command.Parameters.Add(SqlParameters.Text(thread.ChannelId));
            command.Parameters.Add(SqlParameters.Text(thread.Ts));
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    return new SlackThread(reader.GetString(1), reader.GetString(2));
                }
            }

            // Nothing returned: a row of this day (or later) was there first.
            return await GetAsync(key, cancellationToken) ?? thread;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "record the Slack thread of an account");
        }
    }

    private static void AddKey(NpgsqlCommand command, SlackThreadKey key)
    {
        command.Parameters.Add(SqlParameters.Text(key.Workspace));
        command.Parameters.Add(SqlParameters.Text(key.AccountId));
        command.Parameters.Add(SqlParameters.Text(key.Channel));
        command.Parameters.Add(SqlParameters.Date(key.Day));
    }
}
