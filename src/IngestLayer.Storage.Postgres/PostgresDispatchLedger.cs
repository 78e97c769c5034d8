using IngestLayer.Contracts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>
/// Durable mode's <see cref="IDispatchLedger"/>: checkpoints in <c>dispatch_checkpoints</c>, and each origin's
/// events (<c>event_log.ingested_by</c>) to replay after them. Positions of one origin only grow in commit
/// order because <see cref="PostgresEventLog"/> appends through a single writer per host.
/// </summary>
public sealed class PostgresDispatchLedger(NpgsqlDataSource dataSource, IOptions<PostgresOptions> options) : IDispatchLedger
{
    public string? Origin { get; } = options.Value.HostInstanceId;

    public Task<long> ReadCheckpointAsync(string origin, CancellationToken cancellationToken) =>
        ScalarAsync("SELECT position FROM dispatch_checkpoints WHERE origin = $1", origin, "read a dispatch checkpoint", cancellationToken);

    public async Task WriteCheckpointAsync(string origin, long position, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO dispatch_checkpoints (origin, position) VALUES ($1, $2)
                ON CONFLICT (origin) DO UPDATE SET position = GREATEST(dispatch_checkpoints.position, EXCLUDED.position), updated_at = now()
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = origin });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "write a dispatch checkpoint");
        }
    }

    public Task<long> LastPositionAsync(string origin, CancellationToken cancellationToken) =>
        ScalarAsync("SELECT max(position) FROM event_log WHERE ingested_by = $1", origin, "find an origin's newest event", cancellationToken);

    public async Task<IReadOnlyList<IngestEvent>> ReadAsync(string origin, long after, long through, int max, CancellationToken cancellationToken)
    {
        var page = await EventLogReader.ReadPageAsync(dataSource, after, origin, max, cancellationToken);
        var end = page.FindIndex(e => e.Position > through);
        return end < 0 ? page : page[..end];
    }

    public async Task<IReadOnlyList<string>> FindStalledOriginsAsync(TimeSpan silentFor, CancellationToken cancellationToken)
    {
        try
        {
            // Uses the server's clock for both sides of the comparison, so hosts' clocks need not agree.
            await using var command = dataSource.CreateCommand("""
                SELECT c.origin FROM dispatch_checkpoints c
                WHERE c.origin <> $1 AND c.updated_at < now() - $2
                  AND EXISTS (SELECT 1 FROM event_log e WHERE e.ingested_by = c.origin AND e.position > c.position)
                ORDER BY c.origin
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Origin! });
            command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = silentFor });
            var origins = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                origins.Add(reader.GetString(0));
            }

            return origins;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "look for stalled dispatchers");
        }
    }

    private async Task<long> ScalarAsync(string sql, string origin, string operation, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = origin });
            return await command.ExecuteScalarAsync(cancellationToken) is long value ? value : 0;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, operation);
        }
    }
}
