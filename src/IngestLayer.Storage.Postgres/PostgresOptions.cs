using System.ComponentModel.DataAnnotations;

namespace IngestLayer.Storage.Postgres;

/// <summary>
/// Durable mode's database settings. The connection string comes from <c>ConnectionStrings:Postgres</c>
/// (env <c>ConnectionStrings__Postgres</c>); its presence is what selects durable mode.
/// </summary>
public sealed class PostgresOptions
{
    /// <summary>The name under <c>ConnectionStrings</c>.</summary>
    public const string ConnectionStringName = "Postgres";

    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>How long one migration file may run (index builds on a large event log take a while).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MigrationTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
