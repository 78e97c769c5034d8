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

    /// <summary>
    /// This host's name in <c>event_log.ingested_by</c>: a host that died after acknowledging events finds
    /// the ones it appended by it. Must stay the same across restarts of one host and differ between hosts
    /// (two hosts on one machine need distinct ids; the default, the machine name, does not tell them apart).
    /// </summary>
    [Required, StringLength(200, MinimumLength = 1)]
    public string HostInstanceId { get; set; } = Environment.MachineName;

    /// <summary>
    /// Most events one group commit writes. Appends queued meanwhile beyond it go in the next group; a single
    /// append larger than this is written alone, whole.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxAppendGroupEvents { get; set; } = 5_000;
}
