using System.Text;
using System.Text.Json;
using IngestLayer.Contracts;
using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>
/// Durable mode's alert outbox: <c>alert_outbox</c> in PostgreSQL, the <see cref="Alert"/> itself as
/// <c>payload jsonb</c>. Enqueue dedupes on the deterministic alert id (<c>ON CONFLICT (id) DO NOTHING</c>);
/// workers on any host claim due rows with <c>FOR UPDATE SKIP LOCKED</c> and a lease, so no two attempt the
/// same alert at once and a crashed worker's claim simply runs out. Times come from the
/// <see cref="TimeProvider"/> (as the claimer's <c>now</c> does), not the database clock, so both agree.
/// </summary>
public sealed class PostgresAlertOutbox(NpgsqlDataSource dataSource, TimeProvider time) : IAlertOutbox
{
    private const string EntryColumns =
        "id, payload::text, status, attempts, channel, created_at, next_attempt_at, sent_at, slack_ts, last_error, hint";

    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    // Wakes this host's delivery worker at once for work this host created. Work another host enqueued is
    // found by the worker's next claim, which it makes at least every WaitForWorkAsync timeout.
    private readonly SemaphoreSlim _signal = new(0);

    public async ValueTask<bool> EnqueueAsync(Alert alert, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var added = await ExecuteAsync(
            """
            INSERT INTO alert_outbox (id, workspace, account_id, signal, channel, payload, next_attempt_at, created_at, status, rule_id, owner, destination)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11)
            ON CONFLICT (id) DO NOTHING
            """,
            [
                SqlParameters.Text(alert.AlertId), SqlParameters.Text(alert.Workspace), SqlParameters.Text(alert.AccountId),
                SqlParameters.Text(alert.Signal), SqlParameters.Text(alert.Channel),
                SqlParameters.Jsonb(JsonSerializer.Serialize(alert, PayloadJson)), SqlParameters.Time(now),
                SqlParameters.Text(OutboxStatuses.ToText(alert.SnoozedUntil is null ? AlertDeliveryStatus.Pending : AlertDeliveryStatus.Snoozed)),
                SqlParameters.Text(alert.Rule ?? alert.Signal), SqlParameters.Text(alert.Owner), SqlParameters.Text(alert.Destination),
            ],
            "enqueue an alert",
            cancellationToken) == 1;
        if (added && alert.SnoozedUntil is null)
        {
            _signal.Release();
        }

        return added;
    }

    public async ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken, string destination = PipelineDestinationTypes.Slack)
    {
        // The inner SELECT locks the rows it picks and skips rows another claimer holds; a row whose
        // claimer committed meanwhile is re-checked against the WHERE (now leased) and left out.
        var claimed = await QueryEntriesAsync(
            $"""
            UPDATE alert_outbox SET lease_until = $2
            WHERE id IN (SELECT id FROM alert_outbox
                         WHERE destination = $4 AND status IN ('pending', 'retrying') AND next_attempt_at <= $1
                               AND (lease_until IS NULL OR lease_until <= $1)
                         ORDER BY next_attempt_at
                         LIMIT $3
                         FOR UPDATE SKIP LOCKED)
            RETURNING {EntryColumns}
            """,
            [SqlParameters.Time(now), SqlParameters.Time(now + lease), SqlParameters.Int(max), SqlParameters.Text(destination)],
            "claim due alerts",
            cancellationToken);
        // RETURNING does not keep the subquery's order: oldest due first, as they fired.
        return [.. claimed.OrderBy(e => e.NextAttemptAt).ThenBy(e => e.EnqueuedAt)];
    }

    public async ValueTask CompleteAttemptAsync(string alertId, DeliveryOutcome outcome, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await ExecuteAsync(
            """
            UPDATE alert_outbox
            SET status = $2, attempts = attempts + 1, channel = COALESCE($3, channel),
                next_attempt_at = COALESCE($4, $8),
                sent_at = CASE WHEN $2 IN ('sent', 'dev_inbox') THEN $8 ELSE sent_at END,
                slack_ts = COALESCE($5, slack_ts), last_error = $6, hint = $7, lease_until = NULL
            WHERE id = $1
            """,
            [
                SqlParameters.Text(alertId), SqlParameters.Text(OutboxStatuses.ToText(outcome.Status)), SqlParameters.Text(outcome.Channel),
                SqlParameters.Time(outcome.NextAttemptAt), SqlParameters.Text(outcome.SlackTs), SqlParameters.Text(outcome.Error),
                SqlParameters.Text(outcome.Hint), SqlParameters.Time(now),
            ],
            "record a delivery attempt",
            cancellationToken);
        if (outcome.Status == AlertDeliveryStatus.Retrying)
        {
            _signal.Release();
        }
    }

    public async ValueTask<RequeueResult> RequeueAsync(string alertId, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("""
                WITH requeued AS (
                    UPDATE alert_outbox SET status = 'pending', attempts = 0, next_attempt_at = $2, lease_until = NULL, held_at = NULL, digest_date = NULL
                    WHERE id = $1 AND status = 'failed'
                    RETURNING id)
                SELECT EXISTS (SELECT 1 FROM requeued), EXISTS (SELECT 1 FROM alert_outbox WHERE id = $1)
                """);
            command.Parameters.Add(SqlParameters.Text(alertId));
            command.Parameters.Add(SqlParameters.Time(time.GetUtcNow()));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var (requeued, exists) = (reader.GetBoolean(0), reader.GetBoolean(1));
            if (requeued)
            {
                _signal.Release();
                return RequeueResult.Requeued;
            }

            return exists ? RequeueResult.NotFailed : RequeueResult.Unknown;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "requeue an alert");
        }
    }

    public async ValueTask<IReadOnlyDictionary<AlertDeliveryStatus, long>> CountByStatusAsync(string workspace, string rule, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(
                "SELECT status, count(*) FROM alert_outbox WHERE workspace = $1 AND rule_id = $2 GROUP BY status");
            command.Parameters.Add(SqlParameters.Text(workspace));
            command.Parameters.Add(SqlParameters.Text(rule));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var counts = new Dictionary<AlertDeliveryStatus, long>();
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[OutboxStatuses.Parse(reader.GetString(0))] = reader.GetInt64(1);
            }

            return counts;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "count alerts");
        }
    }

    public async ValueTask<IReadOnlyList<OutboxEntry>> QueryAsync(AlertQuery query, CancellationToken cancellationToken)
    {
        // Only the filters given, so each shape of query gets a plan that can use the account index.
        var where = new StringBuilder();
        var parameters = new List<NpgsqlParameter> { SqlParameters.Int(query.Limit) };
        void Filter(string condition, NpgsqlParameter? value)
        {
            if (value is not null)
            {
                parameters.Add(value);
                where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(condition.Replace("@", "$" + parameters.Count, StringComparison.Ordinal));
            }
        }

        NpgsqlParameter? Text(string? value) => value is null ? null : SqlParameters.Text(value);
        NpgsqlParameter? Time(DateTimeOffset? value) => value is null ? null : SqlParameters.Time(value);

        Filter("workspace = @", Text(query.Workspace));
        Filter("account_id = @", Text(query.AccountId));
        Filter("signal = @", Text(query.Signal));
        Filter("status = @", Text(query.Status is { } s ? OutboxStatuses.ToText(s) : null));
        // Rows from before 0008 have no rule_id: their rule is their signal, as for the default rules.
        Filter("COALESCE(rule_id, signal) = @", Text(query.Rule));
        Filter("owner = @", Text(query.Owner));
        // The alert's own firing time, as the in-memory outbox filters (created_at is when it was enqueued).
        Filter("(payload->>'firedAt')::timestamptz >= @", Time(query.Since));
        Filter("(payload->>'firedAt')::timestamptz < @", Time(query.Until));
        return await QueryEntriesAsync(
            $"SELECT {EntryColumns} FROM alert_outbox{where} ORDER BY created_at DESC, id DESC LIMIT $1",
            [.. parameters],
            "query alerts",
            cancellationToken);
    }

    public async ValueTask HoldForDigestAsync(string alertId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            """
            UPDATE alert_outbox SET status = 'held_for_digest', held_at = $2, lease_until = NULL
            WHERE id = $1 AND status IN ('pending', 'retrying')
            """,
            [SqlParameters.Text(alertId), SqlParameters.Time(now)],
            "hold an alert for a digest",
            cancellationToken);

    public async ValueTask<IReadOnlyList<WorkspaceOwner>> ListHeldOwnersAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(
                "SELECT DISTINCT workspace, COALESCE(owner, '') FROM alert_outbox WHERE status = 'held_for_digest' AND digest_date IS NULL");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var owners = new List<WorkspaceOwner>();
            while (await reader.ReadAsync(cancellationToken))
            {
                owners.Add(new WorkspaceOwner(reader.GetString(0), reader.GetString(1)));
            }

            return owners;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "list owners with held alerts");
        }
    }

    public async ValueTask<int> ReleaseHeldAsync(WorkspaceOwner owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var released = await ExecuteAsync(
            """
            UPDATE alert_outbox SET status = 'pending', next_attempt_at = $3, held_at = NULL
            WHERE status = 'held_for_digest' AND digest_date IS NULL AND workspace = $1 AND COALESCE(owner, '') = $2
            """,
            [SqlParameters.Text(owner.Workspace), SqlParameters.Text(owner.Owner), SqlParameters.Time(now)],
            "release held alerts",
            cancellationToken);
        if (released > 0)
        {
            _signal.Release();
        }

        return released;
    }

    public async ValueTask<OwnerDigest?> OpenDigestAsync(OwnerDigestKey key, DateTimeOffset dueAt, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        // One statement: the digest row is inserted only if it is new and something is held, and the alerts are
        // bound only if this statement inserted it. A second host inserting the same key waits for the first to
        // commit, then does nothing and binds nothing.
        var alerts = await QueryEntriesAsync(
            $"""
            WITH opened AS (
                INSERT INTO owner_digests (workspace, owner, local_date, due_at, next_attempt_at, lease_until, created_at)
                SELECT $1, $2, $3, $4, $5, $6, $5
                WHERE EXISTS (SELECT 1 FROM alert_outbox
                              WHERE status = 'held_for_digest' AND workspace = $1 AND owner = $2 AND digest_date IS NULL AND held_at < $4)
                ON CONFLICT (workspace, owner, local_date) DO NOTHING
                RETURNING local_date)
            UPDATE alert_outbox SET digest_date = (SELECT local_date FROM opened)
            WHERE status = 'held_for_digest' AND workspace = $1 AND owner = $2 AND digest_date IS NULL AND held_at < $4
                  AND EXISTS (SELECT 1 FROM opened)
            RETURNING {EntryColumns}
            """,
            [
                SqlParameters.Text(key.Workspace), SqlParameters.Text(key.Owner), SqlParameters.Date(key.LocalDate),
                SqlParameters.Time(dueAt), SqlParameters.Time(now), SqlParameters.Time(now + lease),
            ],
            "open an owner digest",
            cancellationToken);
        return alerts.Count == 0 ? null : new OwnerDigest(key, dueAt, 0, [.. alerts.OrderBy(e => e.EnqueuedAt).ThenBy(e => e.Alert.AlertId, StringComparer.Ordinal)]);
    }

    public async ValueTask<IReadOnlyList<OwnerDigest>> ClaimDueDigestsAsync(int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var claimed = new List<(OwnerDigestKey Key, DateTimeOffset DueAt, int Attempts)>();
        try
        {
            await using var command = dataSource.CreateCommand("""
                UPDATE owner_digests SET lease_until = $2
                WHERE (workspace, owner, local_date) IN (
                    SELECT workspace, owner, local_date FROM owner_digests
                    WHERE status IN ('pending', 'retrying') AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
                    ORDER BY next_attempt_at
                    LIMIT $3
                    FOR UPDATE SKIP LOCKED)
                RETURNING workspace, owner, local_date, due_at, attempts
                """);
            command.Parameters.Add(SqlParameters.Time(now));
            command.Parameters.Add(SqlParameters.Time(now + lease));
            command.Parameters.Add(SqlParameters.Int(max));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add((new OwnerDigestKey(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2)),
                    reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt32(4)));
            }
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "claim due owner digests");
        }

        var digests = new List<OwnerDigest>(claimed.Count);
        foreach (var (key, dueAt, attempts) in claimed)
        {
            var alerts = await QueryEntriesAsync(
                $"""
                SELECT {EntryColumns} FROM alert_outbox
                WHERE status = 'held_for_digest' AND workspace = $1 AND owner = $2 AND digest_date = $3
                ORDER BY created_at, id
                """,
                [SqlParameters.Text(key.Workspace), SqlParameters.Text(key.Owner), SqlParameters.Date(key.LocalDate)],
                "read a digest's alerts",
                cancellationToken);
            digests.Add(new OwnerDigest(key, dueAt, attempts, alerts));
        }

        return digests;
    }

    public async ValueTask CompleteDigestAsync(OwnerDigestKey key, DeliveryOutcome outcome, CancellationToken cancellationToken)
    {
        var alertStatus = outcome.Status switch
        {
            AlertDeliveryStatus.Sent => AlertDeliveryStatus.Digested,
            AlertDeliveryStatus.Retrying or AlertDeliveryStatus.Pending => AlertDeliveryStatus.HeldForDigest,
            _ => outcome.Status,
        };

        // The digest and its alerts in one statement (a data-modifying CTE always runs), so they cannot disagree.
        await ExecuteAsync(
            """
            WITH digest AS (
                UPDATE owner_digests
                SET status = $4, attempts = attempts + 1, next_attempt_at = COALESCE($6, $10), lease_until = NULL,
                    channel = COALESCE($5, channel), slack_ts = COALESCE($7, slack_ts), last_error = $8,
                    sent_at = CASE WHEN $4 IN ('sent', 'dev_inbox') THEN $10 ELSE sent_at END
                WHERE workspace = $1 AND owner = $2 AND local_date = $3)
            UPDATE alert_outbox
            SET status = $11, attempts = attempts + 1, channel = COALESCE($5, channel), slack_ts = COALESCE($7, slack_ts),
                last_error = $8, hint = $9, sent_at = CASE WHEN $11 IN ('digested', 'dev_inbox') THEN $10 ELSE sent_at END
            WHERE status = 'held_for_digest' AND workspace = $1 AND owner = $2 AND digest_date = $3
            """,
            [
                SqlParameters.Text(key.Workspace), SqlParameters.Text(key.Owner), SqlParameters.Date(key.LocalDate),
                SqlParameters.Text(OutboxStatuses.ToText(outcome.Status)), SqlParameters.Text(outcome.Channel),
                SqlParameters.Time(outcome.NextAttemptAt), SqlParameters.Text(outcome.SlackTs), SqlParameters.Text(outcome.Error),
                SqlParameters.Text(outcome.Hint), SqlParameters.Time(time.GetUtcNow()), SqlParameters.Text(OutboxStatuses.ToText(alertStatus)),
            ],
            "record a digest attempt",
            cancellationToken);
    }

    public async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _signal.WaitAsync(timeout, cancellationToken);
    }

    private Task<int> ExecuteAsync(string sql, NpgsqlParameter[] parameters, string operation, CancellationToken cancellationToken) =>
        PostgresErrors.ExecuteAsync(dataSource, operation, sql, parameters, cancellationToken);

    private async Task<List<OutboxEntry>> QueryEntriesAsync(string sql, NpgsqlParameter[] parameters, string operation, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.AddRange(parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var entries = new List<OutboxEntry>();
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(ReadEntry(reader));
            }

            return entries;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, operation);
        }
    }

    private static OutboxEntry ReadEntry(NpgsqlDataReader r) => new()
    {
        Alert = JsonSerializer.Deserialize<Alert>(r.GetString(1), PayloadJson)
            ?? throw new InvalidOperationException($"alert_outbox row {r.GetString(0)} has a null payload."),
        Status = OutboxStatuses.Parse(r.GetString(2)),
        Attempts = r.GetInt32(3),
        Channel = r.IsDBNull(4) ? null : r.GetString(4),
        EnqueuedAt = r.GetFieldValue<DateTimeOffset>(5),
        NextAttemptAt = r.GetFieldValue<DateTimeOffset>(6),
        DeliveredAt = r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7),
        SlackTs = r.IsDBNull(8) ? null : r.GetString(8),
        Error = r.IsDBNull(9) ? null : r.GetString(9),
        Hint = r.IsDBNull(10) ? null : r.GetString(10),
    };
}
