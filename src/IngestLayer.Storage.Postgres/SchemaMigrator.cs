using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>
/// Applies the ordered <c>db/*.sql</c> files that a database has not seen yet, each in its own
/// transaction, recording each in <c>schema_migrations</c>. Hosts starting together serialise on a
/// session-level advisory lock, so each file is applied exactly once; re-running applies nothing; a
/// recorded file whose text has since changed stops the run before anything is applied.
/// </summary>
public sealed partial class SchemaMigrator
{
    /// <summary>The advisory lock every migrator takes (ASCII "IngestLy"): one constant, shared by all hosts.</summary>
    public const long AdvisoryLockKey = 0x496E67657374_4C79;

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<MigrationScript> _scripts;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;

    public SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator>? logger = null, IReadOnlyList<MigrationScript>? scripts = null, TimeSpan? timeout = null)
    {
        _dataSource = dataSource;
        _scripts = MigrationScripts.Ordered(scripts ?? MigrationScripts.Embedded());
        _timeout = timeout ?? new PostgresOptions().MigrationTimeout;
        _logger = logger ?? NullLogger<SchemaMigrator>.Instance;
    }

    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // Session-level, not transaction-level: the lock must outlive the per-file transactions.
        // Closing the connection releases it too, so a crashed migrator never leaves it held.
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations
                (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, cancellationToken);

            var recorded = await ReadRecordedAsync(connection, cancellationToken);
            var already = new List<MigrationScript>();
            foreach (var script in _scripts)
            {
                if (recorded.TryGetValue(script.Version, out var row))
                {
                    if (!string.Equals(row.Checksum, script.Checksum, StringComparison.Ordinal))
                    {
                        throw new SchemaMigrationException(
                            $"Migration {script.FileName} was applied on {row.AppliedAt:u} with checksum {row.Checksum}, " +
                            $"but this build carries checksum {script.Checksum}. Applied migrations must not be edited: " +
                            "restore the file and put the change in a new migration.");
                    }
                    already.Add(script);
                }
            }

            var applied = new List<MigrationScript>();
            foreach (var script in _scripts.Where(s => !recorded.ContainsKey(s.Version)))
            {
                await ApplyAsync(connection, script, cancellationToken);
                applied.Add(script);
            }

            var unknown = recorded.Keys.Except(_scripts.Select(s => s.Version)).Order().ToList();
            if (unknown.Count > 0)
            {
                LogUnknownVersions(_logger, string.Join(", ", unknown));
            }
            return new MigrationResult(applied, already, unknown);
        }
        finally
        {
            // Best effort on a healthy connection; on a broken one, closing it releases the lock anyway.
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
            }
        }
    }

    private async Task ApplyAsync(NpgsqlConnection connection, MigrationScript script, CancellationToken cancellationToken)
    {
        LogApplying(_logger, script.FileName);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(script.Sql, connection, transaction))
        {
            command.CommandTimeout = (int)_timeout.TotalSeconds;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var record = new NpgsqlCommand(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", connection, transaction))
        {
            record.Parameters.Add(new() { Value = script.Version });
            record.Parameters.Add(new() { Value = script.Name });
            record.Parameters.Add(new() { Value = script.Checksum });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        LogApplied(_logger, script.FileName);
    }

    private static async Task<Dictionary<int, (string Checksum, DateTime AppliedAt)>> ReadRecordedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<int, (string, DateTime)>();
        await using var command = new NpgsqlCommand("SELECT version, checksum, applied_at FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows[reader.GetInt32(0)] = (reader.GetString(1), reader.GetDateTime(2));
        }
        return rows;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying migration {File}")]
    private static partial void LogApplying(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {File}")]
    private static partial void LogApplied(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database has migrations this build does not know ({Versions}); a newer host has migrated it")]
    private static partial void LogUnknownVersions(ILogger logger, string versions);
}
