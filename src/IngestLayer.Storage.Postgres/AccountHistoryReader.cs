using System.Data;
using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>
/// Reads one account's candidate events (see <see cref="AccountAttribution"/>) in pages from a cursor inside a
/// repeatable-read transaction: the member query and every page see one snapshot, so no event another host
/// commits meanwhile can land behind a position already returned for that host.
/// </summary>
internal sealed class AccountHistoryReader : IAsyncDisposable
{
    public const int PageSize = 2_000;

    // Users who ever named the account: only their account-less events can have resolved to it.
    private const string MembersSql = """
        SELECT DISTINCT user_id, anonymous_id FROM event_log
        WHERE workspace = $1 AND account_id = $2
        """;

    // Three index scans (account, user, anonymous user), or'ed into one bitmap; the cursor sorts once.
    private const string DeclareSql = $"""
        DECLARE account_history NO SCROLL CURSOR FOR
        SELECT {EventLogReader.Columns}, ingested_by FROM event_log
        WHERE workspace = $1
          AND (account_id = $2 OR user_id = ANY($3) OR (user_id IS NULL AND anonymous_id = ANY($4)))
        ORDER BY position
        """;

    private static readonly string FetchSql = $"FETCH FORWARD {PageSize} FROM account_history";

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private AccountHistoryReader(NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        (_connection, _transaction) = (connection, transaction);

    public static async Task<AccountHistoryReader> OpenAsync(NpgsqlDataSource dataSource, string workspace, string accountId, CancellationToken cancellationToken)
    {
        NpgsqlConnection? connection = null;
        try
        {
            connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            var (users, anonymous) = await MembersAsync(connection, transaction, workspace, accountId, cancellationToken);
            await using (var declare = new NpgsqlCommand(DeclareSql, connection, transaction))
            {
                declare.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workspace });
                declare.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
                declare.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = users });
                declare.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = anonymous });
                await declare.ExecuteNonQueryAsync(cancellationToken);
            }

            var reader = new AccountHistoryReader(connection, transaction);
            connection = null;
            return reader;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "read an account's events");
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>The next page of candidates with their appending host; empty at the end.</summary>
    public async Task<List<StoredEvent>> ReadPageAsync(CancellationToken cancellationToken)
    {
        var page = new List<StoredEvent>();
        try
        {
            await using var fetch = new NpgsqlCommand(FetchSql, _connection, _transaction);
            await using var reader = await fetch.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                page.Add(new StoredEvent(EventLogReader.ReadEvent(reader), reader.IsDBNull(17) ? null : reader.GetString(17)));
            }
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "read an account's events");
        }

        return page;
    }

    public async ValueTask DisposeAsync()
    {
        // Read only: ending the transaction by closing the connection rolls it back and closes the cursor.
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private static async Task<(string[] Users, string[] Anonymous)> MembersAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string workspace, string accountId, CancellationToken cancellationToken)
    {
        var (users, anonymous) = (new List<string>(), new List<string>());
        await using var command = new NpgsqlCommand(MembersSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workspace });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(0))
            {
                users.Add(reader.GetString(0));
            }
            else if (!reader.IsDBNull(1))
            {
                anonymous.Add(reader.GetString(1));
            }
        }

        return ([.. users], [.. anonymous]);
    }
}
