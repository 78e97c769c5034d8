using IngestLayer.Storage.Postgres;
using Npgsql;

namespace IngestLayer.Host;

/// <summary>
/// Which storage the host runs on, decided once from configuration: durable (PostgreSQL) when
/// <c>ConnectionStrings:Postgres</c> is set, embedded (everything in memory) otherwise.
/// </summary>
public sealed class StorageMode
{
    private StorageMode(string? connectionString) => PostgresConnectionString = connectionString;

    /// <summary>The PostgreSQL connection string in durable mode; null in embedded mode.</summary>
    public string? PostgresConnectionString { get; }

    public bool IsDurable => PostgresConnectionString is not null;

    public static StorageMode From(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(PostgresOptions.ConnectionStringName);
        return new StorageMode(string.IsNullOrWhiteSpace(connectionString) ? null : connectionString);
    }

    /// <summary>
    /// Where the database is, for the banner and the logs: host, port and database only. Never the whole
    /// connection string, which may carry a password.
    /// </summary>
    public string DescribeDatabase()
    {
        if (PostgresConnectionString is null)
        {
            return "(none)";
        }

        var parsed = new NpgsqlConnectionStringBuilder(PostgresConnectionString);
        var database = string.IsNullOrEmpty(parsed.Database) ? "(default database)" : parsed.Database;
        return $"{parsed.Host}:{parsed.Port}/{database}";
    }
}
