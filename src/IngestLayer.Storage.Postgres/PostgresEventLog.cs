using System.Runtime.CompilerServices;
using System.Threading.Channels;
using IngestLayer.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace IngestLayer.Storage.Postgres;

/// <summary>
/// Durable mode's event log: <c>event_log</c> in PostgreSQL, written by group commit.
/// <para>
/// Concurrent <see cref="AppendAsync"/> calls are queued to one writer loop, which takes everything queued
/// (up to <see cref="PostgresOptions.MaxAppendGroupEvents"/> events) and stores it with one statement —
/// <c>INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING RETURNING</c> — in one round trip and one
/// implicit transaction, then completes each caller with its newly stored events. A call completes only
/// after that transaction has committed.
/// </para>
/// <para>
/// <b>Invariant the dispatcher relies on:</b> one writer per host and one transaction at a time, so the
/// positions this host's appends are given are committed in increasing order: once an append has completed
/// with position N, every event this host stored with a position below N is committed and visible. (Rows
/// of <i>other</i> hosts' concurrent appends may still commit below N later; only per-host order holds.)
/// </para>
/// <para>
/// When the database cannot be reached every caller of the failed group gets a
/// <see cref="StorageUnavailableException"/>; the loop keeps running, drops its connection and opens a new
/// one for the next group, so appends succeed again as soon as the database is back. A group refused for
/// its data (a NUL character in a string) is split per caller, so only the caller that sent it fails, with
/// <see cref="StorageRejectedException"/>.
/// </para>
/// <para>
/// A connection lost after the statement was sent leaves the group in doubt: it may have committed. Its
/// callers still get <see cref="StorageUnavailableException"/>, and a client's retry then finds the events
/// stored and gets none back (dedupe). So before the next group the writer reads back this host's events
/// after the last position it knows committed and hands any it finds to the observer, in order: an in-doubt
/// group that did commit reaches the grains like any other, and before anything stored after it.
/// </para>
/// </summary>
public sealed partial class PostgresEventLog : IEventLog, IAsyncDisposable
{
    private const string InsertSql = """
        INSERT INTO event_log (workspace, source, message_id, kind, event, user_id, anonymous_id, account_id, previous_id,
                               event_time, received_at, feature, count, plan, properties, traits, ingested_by)
        SELECT u.workspace, u.source, u.message_id, u.kind, u.event, u.user_id, u.anonymous_id, u.account_id, u.previous_id,
               u.event_time, u.received_at, u.feature, u.count, u.plan, u.properties, u.traits, $17
        FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) WITH ORDINALITY
             AS u(workspace, source, message_id, kind, event, user_id, anonymous_id, account_id, previous_id,
                  event_time, received_at, feature, count, plan, properties, traits, ord)
        ORDER BY u.ord
        ON CONFLICT (workspace, source, message_id) DO NOTHING
        RETURNING position, workspace, source, message_id
        """;

    // The types of $1..$16, in the order of the unnest column list above.
    private static readonly NpgsqlDbType[] ColumnTypes =
    [
        .. Enumerable.Repeat(NpgsqlDbType.Array | NpgsqlDbType.Text, 9),
        NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
        NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
        NpgsqlDbType.Array | NpgsqlDbType.Text,
        NpgsqlDbType.Array | NpgsqlDbType.Integer,
        NpgsqlDbType.Array | NpgsqlDbType.Text,
        NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
        NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
    ];


    private readonly NpgsqlDataSource _dataSource;
    private readonly string _hostInstanceId;
    private readonly int _maxGroupEvents;
    private readonly ILogger _logger;
    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    // The writer loop's own connection and prepared statement: one writer, so one connection is all it needs,
    // and keeping it saves the pool round trip and re-parsing the statement per group.
    private NpgsqlConnection? _connection;
    private NpgsqlCommand? _insert;
    private long _roundTrips;
    // The newest position of this host's events known committed (null until first read), and whether a
    // group since may have committed unseen.
    private long? _knownThrough;
    private bool _inDoubt;
    private long _groups;

    private readonly IEventLogObserver? _observer;

    public PostgresEventLog(NpgsqlDataSource dataSource, IOptions<PostgresOptions> options, ILogger<PostgresEventLog>? logger = null, IEventLogObserver? observer = null)
    {
        _observer = observer;
        _dataSource = dataSource;
        _hostInstanceId = options.Value.HostInstanceId;
        _maxGroupEvents = options.Value.MaxAppendGroupEvents;
        _logger = logger ?? NullLogger<PostgresEventLog>.Instance;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Insert statements sent to the database so far (one per group, more when a group is split).</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    /// <summary>Groups taken from the queue so far; compare with the number of <see cref="AppendAsync"/> calls.</summary>
    public long Groups => Interlocked.Read(ref _groups);

    public async ValueTask<IReadOnlyList<IngestEvent>> AppendAsync(IReadOnlyList<IngestEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return [];
        }

        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingAppend(events);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new StorageUnavailableException("The event log is shutting down.");
        }

        // Cancellation only withdraws a call still waiting in the queue (see PendingAppend).
        await using var registration = cancellationToken.UnsafeRegister(static (state, token) => ((PendingAppend)state!).TryCancel(token), pending);
        return await pending.Completion;
    }

    public async IAsyncEnumerable<IngestEvent> ReadAsync(long afterPosition, string? ingestedBy, int max, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        // Read whole before yielding: storage failures are translated here, and C# cannot yield inside a
        // try with a catch. max bounds the page; callers page on by the last position.
        var page = await EventLogReader.ReadPageAsync(_dataSource, afterPosition, ingestedBy, max, cancellationToken);
        foreach (var e in page)
        {
            yield return e;
        }
    }

    public async IAsyncEnumerable<StoredEvent> ReadAccountAsync(string workspace, string accountId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var history = await AccountHistoryReader.OpenAsync(_dataSource, workspace, accountId, cancellationToken);
        var attribution = new AccountAttribution(accountId);
        while (await history.ReadPageAsync(cancellationToken) is { Count: > 0 } page)
        {
            foreach (var stored in page)
            {
                if (attribution.Attribute(stored.Event) is { } e)
                {
                    yield return stored with { Event = e };
                }
            }
        }
    }

    public async Task<IReadOnlyList<IngestEvent>> ReadLatestAsync(string workspace, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var latest = new List<IngestEvent>(Math.Min(max, 1_000));
        try
        {
            // Backwards along the primary key, skipping other workspaces: recent events are what is asked for.
            await using var command = _dataSource.CreateCommand(
                $"SELECT {EventLogReader.Columns} FROM event_log WHERE workspace = $1 ORDER BY position DESC LIMIT $2");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workspace });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                latest.Add(EventLogReader.ReadEvent(reader));
            }
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "read the event log");
        }

        latest.Reverse();
        return latest;
    }

    public async Task<IReadOnlyList<string>> ReadAccountIdsAsync(string workspace, string? afterAccountId, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        // A loose index scan of (workspace, account_id, position): one index probe per account, where DISTINCT
        // would read every event of the workspace.
        const string sql = """
            WITH RECURSIVE ids(id) AS (
                (SELECT account_id FROM event_log
                 WHERE workspace = $1 AND account_id IS NOT NULL AND ($2::text IS NULL OR account_id > $2)
                 ORDER BY account_id LIMIT 1)
                UNION ALL
                SELECT (SELECT account_id FROM event_log
                        WHERE workspace = $1 AND account_id IS NOT NULL AND account_id > ids.id
                        ORDER BY account_id LIMIT 1)
                FROM ids WHERE ids.id IS NOT NULL)
            SELECT id FROM ids WHERE id IS NOT NULL LIMIT $3
            """;
        var ids = new List<string>();
        try
        {
            await using var command = _dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workspace });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)afterAccountId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "list the accounts of the event log");
        }

        return ids;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
        await DropConnectionAsync();
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            var callers = new List<PendingAppend>();
            var events = 0;
            // Everything queued, up to the cap; a first call over the cap alone still goes, whole.
            while (reader.TryPeek(out var next) && (events == 0 || events + next.Events.Count <= _maxGroupEvents))
            {
                reader.TryRead(out _);
                if (next.TryTake())
                {
                    callers.Add(next);
                    events += next.Events.Count;
                }
            }

            if (callers.Count > 0)
            {
                Interlocked.Increment(ref _groups);
                await WriteGroupAsync(callers);
            }
        }
    }

    private async Task WriteGroupAsync(IReadOnlyList<PendingAppend> callers)
    {
        AppendGroup? group = null;
        try
        {
            await RecoverInDoubtAsync();
            group = new AppendGroup(callers);
            await InsertAsync(group);
            _knownThrough = Math.Max(_knownThrough ?? 0, group.Complete(_observer));
        }
        catch (Exception e) when (PostgresErrors.IsDataError(e) && callers.Count > 1)
        {
            // One caller's data poisons the statement: write each caller alone so only that caller fails.
            LogGroupSplit(_logger, callers.Count, PostgresErrors.Describe(e));
            foreach (var caller in callers)
            {
                await WriteGroupAsync([caller]);
            }
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            if (!PostgresErrors.IsDataError(e))
            {
                // The connection may be broken or mid-protocol: the next group starts on a fresh one, after
                // finding out whether this one committed.
                _inDoubt = group is not null;
                await DropConnectionAsync();
                LogAppendFailed(_logger, e, group?.RowCount ?? 0, callers.Count, PostgresErrors.Describe(e));
            }

            Fail(callers, PostgresErrors.Translate(e, "append events"));
        }
        catch (StorageUnavailableException e)
        {
            // Reading back an in-doubt group failed: the database is still away; stay in doubt.
            await DropConnectionAsync();
            Fail(callers, e);
        }
        catch (Exception e)
        {
            // A bug in building or completing the group. The loop must outlive it, or every later append
            // would wait forever; the callers get the bug's exception.
            LogAppendBug(_logger, e);
            await DropConnectionAsync();
            Fail(callers, e);
        }
    }

    /// <summary>
    /// Learns, once, the newest position this host stored before this start; and after a group was left in
    /// doubt, hands this host's events stored since the last known position to the observer, in order.
    /// Throws like an append while the database is still away, so the next group fails and stays in doubt.
    /// </summary>
    private async Task RecoverInDoubtAsync()
    {
        if (_knownThrough is null)
        {
            await using var command = _dataSource.CreateCommand("SELECT max(position) FROM event_log WHERE ingested_by = $1");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _hostInstanceId });
            _knownThrough = await command.ExecuteScalarAsync(CancellationToken.None) is long last ? last : 0;
        }

        while (_inDoubt)
        {
            var page = await EventLogReader.ReadPageAsync(_dataSource, _knownThrough.Value, _hostInstanceId, 5_000, CancellationToken.None);
            if (page.Count > 0)
            {
                LogInDoubtRecovered(_logger, page.Count, _knownThrough.Value);
                _observer?.OnStored(page);
                _knownThrough = page[^1].Position;
            }

            _inDoubt = page.Count == 5_000;
        }
    }

    private static void Fail(IReadOnlyList<PendingAppend> callers, Exception exception)
    {
        foreach (var caller in callers)
        {
            caller.Fail(exception);
        }
    }

    private async Task InsertAsync(AppendGroup group)
    {
        var insert = await InsertCommandAsync();
        var p = insert.Parameters;
        p[0].Value = group.Workspace;
        p[1].Value = group.Source;
        p[2].Value = group.MessageId;
        p[3].Value = group.Kind;
        p[4].Value = group.Event;
        p[5].Value = group.UserId;
        p[6].Value = group.AnonymousId;
        p[7].Value = group.AccountId;
        p[8].Value = group.PreviousId;
        p[9].Value = group.EventTime;
        p[10].Value = group.ReceivedAt;
        p[11].Value = group.Feature;
        p[12].Value = group.Count;
        p[13].Value = group.Plan;
        p[14].Value = group.Properties;
        p[15].Value = group.Traits;
        Interlocked.Increment(ref _roundTrips);
        // No cancellation: once sent, the outcome must be read, or committed events would go unreported.
        await using var reader = await insert.ExecuteReaderAsync(CancellationToken.None);
        while (await reader.ReadAsync(CancellationToken.None))
        {
            group.Stored(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(0));
        }
    }

    private async ValueTask<NpgsqlCommand> InsertCommandAsync()
    {
        if (_insert is not null)
        {
            return _insert;
        }

        _connection = await _dataSource.OpenConnectionAsync(CancellationToken.None);
        var insert = CreateInsertCommand(_connection, _hostInstanceId);
        await insert.PrepareAsync(CancellationToken.None);
        _insert = insert;
        return insert;
    }

    /// <summary>
    /// The group-commit statement on <paramref name="connection"/>: $1..$16 typed as <see cref="ColumnTypes"/>
    /// (values to set), $17 the host id; not yet prepared. The load generator's Npgsql ceiling writes with
    /// it too, so the benchmark compares the same statement.
    /// </summary>
    internal static NpgsqlCommand CreateInsertCommand(NpgsqlConnection connection, string hostInstanceId)
    {
        var insert = new NpgsqlCommand(InsertSql, connection);
        foreach (var type in ColumnTypes)
        {
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type });
        }

        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = hostInstanceId });
        return insert;
    }

    private async ValueTask DropConnectionAsync()
    {
        if (_insert is not null)
        {
            await _insert.DisposeAsync();
            _insert = null;
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appending {Rows} events of {Callers} requests failed: {Reason}")]
    private static partial void LogAppendFailed(ILogger logger, Exception exception, int rows, int callers, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} events after position {After} had committed although their append reported a failure; dispatching them")]
    private static partial void LogInDoubtRecovered(ILogger logger, int count, long after);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL refused the data of a group of {Callers} appends ({Reason}); writing each alone")]
    private static partial void LogGroupSplit(ILogger logger, int callers, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Appending a group of events failed unexpectedly; its requests fail, the writer goes on")]
    private static partial void LogAppendBug(ILogger logger, Exception exception);
}
