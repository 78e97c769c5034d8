using IngestLayer.Storage;
using IngestLayer.Storage.Postgres;
using Npgsql;

namespace IngestLayer.Host;

/// <summary>
/// Durable mode: brings the database schema up to date before anything else in the host starts.
/// </summary>
/// <remarks>
/// The work is done in <see cref="IHostedLifecycleService.StartingAsync"/>, not <c>StartAsync</c>: the generic
/// host runs every lifecycle service's <c>StartingAsync</c> before any hosted service's <c>StartAsync</c>, so
/// the schema is in place before the Orleans silo (which reads its ADO.NET queries from <c>OrleansQuery</c>
/// and joins the membership table) and before Kestrel takes requests, whatever the registration order or
/// <c>HostOptions.ServicesStartConcurrently</c>. Orleans 10.4.2's silo service is a plain
/// <see cref="IHostedService"/>, so nothing of it runs in the Starting phase. Hosts starting together queue
/// on the migrator's advisory lock; a failure stops the host from starting, with the reason in the log.
/// </remarks>
internal sealed partial class SchemaMigrationService(SchemaMigrator migrator, PostgresKeyRing keyRing, StorageMode mode, ILogger<SchemaMigrationService> logger)
    : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var database = mode.DescribeDatabase();
        try
        {
            var result = await migrator.MigrateAsync(cancellationToken);
            LogMigrated(logger, database, result.Applied.Count, result.AlreadyApplied.Count);

            // Before any host encrypts (Slack tokens, install states): hosts starting together agree on the first key.
            if (await keyRing.EnsureKeyAsync(cancellationToken))
            {
                LogKeyCreated(logger, database);
            }
        }
        catch (Exception e) when (e is NpgsqlException or SchemaMigrationException or StorageUnavailableException)
        {
            // The exception message names the failing file or the connection problem, never the connection string.
            LogMigrationFailed(logger, e, database);
            throw;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema of {Database} is up to date: applied {Applied} migration(s), {AlreadyApplied} already applied")]
    private static partial void LogMigrated(ILogger logger, string database, int applied, int alreadyApplied);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first Data Protection key of the shared key ring in {Database}")]
    private static partial void LogKeyCreated(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Could not bring the schema of {Database} up to date; the host will not start")]
    private static partial void LogMigrationFailed(ILogger logger, Exception exception, string database);
}
