using System.Text;
using System.Text.Json;
using IngestLayer.Contracts;
using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>
/// Reads <c>event_log</c> back as events, in position order: for <see cref="PostgresEventLog.ReadAsync"/>, the
/// writer's in-doubt recovery and the dispatch ledger's replay, which must not depend on the log itself
/// (the log hands its writes to the dispatcher, which owns the ledger).
/// </summary>
internal static class EventLogReader
{
    /// <summary>The columns <see cref="ReadEvent"/> reads, in its order.</summary>
    public const string Columns = """
        position, workspace, source, message_id, kind, event, user_id, anonymous_id, account_id, previous_id,
        event_time, received_at, feature, count, plan, properties::text, traits::text
        """;

    public static async Task<List<IngestEvent>> ReadPageAsync(NpgsqlDataSource dataSource, long afterPosition, string? ingestedBy, int max, CancellationToken cancellationToken)
    {
        // Two statements rather than "($2 IS NULL OR ingested_by = $2)", which would keep the planner from
        // using the (ingested_by, position) index.
        var sql = ingestedBy is null
            ? $"SELECT {Columns} FROM event_log WHERE position > $1 ORDER BY position LIMIT $2"
            : $"SELECT {Columns} FROM event_log WHERE position > $1 AND ingested_by = $3 ORDER BY position LIMIT $2";
        var page = new List<IngestEvent>(Math.Min(max, 10_000));
        try
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterPosition });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
            if (ingestedBy is not null)
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ingestedBy });
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                page.Add(ReadEvent(reader));
            }
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "read the event log");
        }

        return page;
    }

    /// <summary>One row of <see cref="Columns"/> as an event.</summary>
    public static IngestEvent ReadEvent(NpgsqlDataReader r) => new()
    {
        Position = r.GetInt64(0),
        Workspace = r.GetString(1),
        Source = r.GetString(2),
        MessageId = r.GetString(3),
        Kind = EventKinds.Parse(r.GetString(4)),
        Name = r.GetString(5),
        UserId = r.IsDBNull(6) ? null : r.GetString(6),
        AnonymousId = r.IsDBNull(7) ? null : r.GetString(7),
        AccountId = r.IsDBNull(8) ? null : r.GetString(8),
        PreviousId = r.IsDBNull(9) ? null : r.GetString(9),
        Timestamp = r.GetFieldValue<DateTimeOffset>(10),
        ReceivedAt = r.GetFieldValue<DateTimeOffset>(11),
        Feature = r.IsDBNull(12) ? null : r.GetString(12),
        Count = r.GetInt32(13),
        Plan = r.IsDBNull(14) ? null : r.GetString(14),
        // jsonb keeps the content, not the bytes: key order, whitespace and duplicate keys are normalised.
        Properties = Encoding.UTF8.GetBytes(r.GetString(15)),
        Traits = r.IsDBNull(16) ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(16)),
    };
}
