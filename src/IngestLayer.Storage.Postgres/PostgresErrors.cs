using System.Net.Sockets;
using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>
/// The one place that decides what a database failure means to the rest of the system: the data was
/// refused (<see cref="StorageRejectedException"/>, class 22 data exceptions and 23 integrity violations we
/// did not expect), or the store could not take the work (<see cref="StorageUnavailableException"/>:
/// everything else from the driver, the network or the server). Callers above the storage seam never
/// see Npgsql types.
/// </summary>
internal static class PostgresErrors
{
    /// <summary>Whether <paramref name="exception"/> came from talking to the database (as opposed to a bug of ours).</summary>
    public static bool IsStoreFailure(Exception exception) =>
        exception is NpgsqlException or SocketException or IOException or TimeoutException;

    /// <summary>
    /// The server refused the values themselves: a NUL character in text or jsonb (22021, 22P05), malformed
    /// JSON (22P02), a check constraint (23514). Sending the same values again fails again.
    /// </summary>
    public static bool IsDataError(Exception exception) =>
        exception is PostgresException { SqlState: var state } && (state.StartsWith("22", StringComparison.Ordinal) || state.StartsWith("23", StringComparison.Ordinal));

    /// <summary>The storage seam's exception for a failed <paramref name="operation"/> ("append events").</summary>
    public static Exception Translate(Exception exception, string operation) =>
        IsDataError(exception)
            ? new StorageRejectedException($"PostgreSQL refused the data to {operation}: {Describe(exception)}.", exception)
            : new StorageUnavailableException($"PostgreSQL could not {operation}: {Describe(exception)}.", exception);

    /// <summary>
    /// A short reason for logs and exception messages. Only the SqlState and the server's message text:
    /// the detail and context fields can quote the offending values (event payloads), which are not logged.
    /// </summary>
    public static string Describe(Exception exception) => exception switch
    {
        PostgresException pg => $"{pg.SqlState} {pg.MessageText}",
        NpgsqlException { InnerException: { } inner } npgsql => $"{npgsql.Message} ({inner.GetType().Name}: {inner.Message})",
        _ => exception.Message,
    };

    /// <summary>Runs one statement for <paramref name="operation"/>; a store failure comes out as the storage seam's exception.</summary>
    public static async Task<int> ExecuteAsync(NpgsqlDataSource dataSource, string operation, string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.AddRange(parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Translate(e, operation);
        }
    }
}
