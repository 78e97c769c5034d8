using System.ComponentModel.DataAnnotations;

namespace IngestLayer.Grains;

/// <summary>
/// When account and user grains write their state snapshot (<c>IngestLayer:GrainState</c>). In embedded mode
/// they write only when a grain deactivates while the silo keeps running (in-memory storage dies with the silo).
/// In durable mode the storage outlives the silo, so they also write on a graceful shutdown (another host takes
/// the grains over) and every <see cref="FlushInterval"/> while dirty (a crash loses at most that much snapshot;
/// the event log covers the rest).
/// </summary>
public sealed class GrainStateOptions
{
    public const string Section = "IngestLayer:GrainState";

    /// <summary>
    /// Whether grain storage outlives the silo. Set by the host from the storage mode (a PostgreSQL
    /// connection string), not read from configuration.
    /// </summary>
    public bool DurableStorage { get; set; }

    /// <summary>
    /// How often an active grain with unwritten changes writes its state, in durable mode. The dispatch
    /// checkpoint already has every grain it touched write (every <c>Dispatch:CheckpointInterval</c>), so
    /// this is a backstop for changes that come from elsewhere (owner assignments), not the main path:
    /// a short interval only doubles the database's write load.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMinutes(5);
}
