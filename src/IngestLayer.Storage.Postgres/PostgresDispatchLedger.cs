using IngestLayer.Contracts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>
/// Durable mode's <see cref="IDispatchLedger"/>: this host's checkpoint in <c>dispatch_checkpoints</c>, and
/// its own events (<c>event_log.ingested_by</c>) to replay after it. Positions of one host only grow in
/// commit order because <see cref="PostgresEventLog"/> appends through a single writer.
/// </summary>
public sealed class PostgresDispatchLedger(NpgsqlDataSource dataSource, IOptions<PostgresOptions> options) : IDispatchLedger
{
    private readonly string _origin = options.Value.HostInstanceId;

    public string? Origin => _origin;

    public Task<long> ReadCheckpointAsync(CancellationToken cancellationToken) =>
        ScalarAsync("SELECT position FROM dispatch_checkpoints WHERE origin = $1", "read the dispatch checkpoint", cancellationToken);

    public async Task WriteCheckpointAsync(long position, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO dispatch_checkpoints (origin, position) VALUES ($1, $2)
                ON CONFLICT (origin) DO UPDATE SET position = GREATEST(dispatch_checkpoints.position, EXCLUDED.position), updated_at = now()
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _origin });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "write the dispatch checkpoint");
        }
    }

    public Task<long> LastPositionAsync(CancellationToken cancellationToken) =>
        ScalarAsync("SELECT max(position) FROM event_log WHERE ingested_by = $1", "find this host's newest event", cancellationToken);

    public async Task<IReadOnlyList<IngestEvent>> ReadAsync(long after, long through, int max, CancellationToken cancellationToken)
    {
        var page = await EventLogReader.ReadPageAsync(dataSource, after, _origin, max, cancellationToken);
        var end = page.FindIndex(e => e.Position > through);
        return end < 0 ? page : page[..end];
    }

    private async Task<long> ScalarAsync(string sql, string operation, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _origin });
            return await command.ExecuteScalarAsync(cancellationToken) is long value ? value : 0;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, operation);
        }
    }
}
