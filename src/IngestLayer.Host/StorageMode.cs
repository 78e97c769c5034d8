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

    /// <summary>
    /// Connections per pool unless the connection string says otherwise. The host has two pools (its own data
    /// source, and the one the Orleans ADO.NET providers share); Npgsql's default of 100 each let a burst of
    /// grain-state writes open more connections than a default PostgreSQL accepts (100), and the refused ones
    /// slowed ingestion several times over.
    /// </summary>
    public const int DefaultMaxPoolSize = 30;

    public static StorageMode From(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(PostgresOptions.ConnectionStringName);
        return new StorageMode(string.IsNullOrWhiteSpace(connectionString) ? null : WithPoolCap(connectionString));
    }

    private static string WithPoolCap(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Maximum Pool Size") || given.ContainsKey("Max Pool Size") || given.ContainsKey("MaxPoolSize"))
        {
            return connectionString;
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = DefaultMaxPoolSize }.ConnectionString;
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
