using System.Text.Json;
using IngestLayer.Contracts;
using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>
/// Durable mode's rule store: <c>config_documents</c> rows of kind <c>rule</c>, one per version (0005). A write
/// reads the latest version and inserts the next in one transaction; two writers racing on the same version
/// collide on the primary key, and the loser is told <see cref="RuleSaveOutcome.VersionMismatch"/>.
/// </summary>
public sealed class PostgresRuleStore(NpgsqlDataSource dataSource) : IRuleStore
{
    private const string Kind = "rule";

    private static readonly JsonSerializerOptions BodyJson = new(JsonSerializerDefaults.Web);

    public async ValueTask<IReadOnlyList<RuleDefinition>?> ListAsync(string workspace, CancellationToken cancellationToken)
    {
        try
        {
            // The latest version of each rule, deleted ones included: a workspace whose rules were all deleted
            // has an empty rule set, not the default one.
            await using var command = dataSource.CreateCommand("""
                SELECT DISTINCT ON (id) id, version, body::text, updated_at, deleted
                FROM config_documents WHERE workspace = $1 AND kind = 'rule'
                ORDER BY id, version DESC
                """);
            command.Parameters.Add(SqlParameters.Text(workspace));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rules = new List<RuleDefinition>();
            var any = false;
            while (await reader.ReadAsync(cancellationToken))
            {
                any = true;
                if (!reader.GetBoolean(4))
                {
                    rules.Add(Read(reader));
                }
            }

            // Ordinal order, as the in-memory store, whatever the database's collation.
            return any ? [.. rules.OrderBy(r => r.Id, StringComparer.Ordinal)] : null;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "read rules");
        }
    }

    public ValueTask<RuleSaveResult> SaveAsync(string workspace, RuleDefinition rule, RuleWriteMode mode, int? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(workspace, rule.Id, now, deleted: false, latest => RuleWriteChecks.Refuse(latest, mode, expectedVersion), _ => rule, cancellationToken);

    public ValueTask<RuleSaveResult> DeleteAsync(string workspace, string ruleId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(workspace, ruleId, now, deleted: true, latest => latest is null ? new(RuleSaveOutcome.NotFound, null) : null, latest => latest!, cancellationToken);

    private async ValueTask<RuleSaveResult> WriteAsync(
        string workspace,
        string ruleId,
        DateTimeOffset now,
        bool deleted,
        Func<RuleDefinition?, RuleSaveResult?> refuse,
        Func<RuleDefinition?, RuleDefinition> body,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            int latestVersion;
            RuleDefinition? live;
            await using (var read = new NpgsqlCommand("""
                SELECT id, version, body::text, updated_at, deleted FROM config_documents
                WHERE workspace = $1 AND kind = 'rule' AND id = $2 ORDER BY version DESC LIMIT 1
                """, connection, transaction))
            {
                read.Parameters.Add(SqlParameters.Text(workspace));
                read.Parameters.Add(SqlParameters.Text(ruleId));
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                var found = await reader.ReadAsync(cancellationToken);
                latestVersion = found ? reader.GetInt32(1) : 0;
                live = found && !reader.GetBoolean(4) ? Read(reader) : null;
            }

            if (refuse(live) is { } refused)
            {
                return refused;
            }

            var stored = body(live) with { Id = ruleId, Version = latestVersion + 1, UpdatedAt = now };
            await using (var insert = new NpgsqlCommand("""
                INSERT INTO config_documents (workspace, kind, id, version, body, updated_at, deleted)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, connection, transaction))
            {
                insert.Parameters.Add(SqlParameters.Text(workspace));
                insert.Parameters.Add(SqlParameters.Text(Kind));
                insert.Parameters.Add(SqlParameters.Text(ruleId));
                insert.Parameters.Add(SqlParameters.Int(stored.Version));
                insert.Parameters.Add(SqlParameters.Jsonb(JsonSerializer.Serialize(stored with { Version = 0, UpdatedAt = null }, BodyJson)));
                insert.Parameters.Add(SqlParameters.Time(now));
                insert.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = deleted });
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return new RuleSaveResult(RuleSaveOutcome.Saved, stored);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another writer stored this version between our read and our insert.
            return new RuleSaveResult(RuleSaveOutcome.VersionMismatch, null);
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, deleted ? "delete a rule" : "store a rule");
        }
    }

    // Version and time come from the columns: the body is the document as written, without them.
    private static RuleDefinition Read(NpgsqlDataReader reader) =>
        (JsonSerializer.Deserialize<RuleDefinition>(reader.GetString(2), BodyJson)
            ?? throw new InvalidOperationException($"config_documents rule {reader.GetString(0)} has a null body."))
        with
        { Version = reader.GetInt32(1), UpdatedAt = reader.GetFieldValue<DateTimeOffset>(3) };
}
