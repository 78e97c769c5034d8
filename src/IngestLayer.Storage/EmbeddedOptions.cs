using System.ComponentModel.DataAnnotations;

namespace IngestLayer.Storage;

/// <summary>Limits of the in-memory stores used when no database is configured.</summary>
public sealed class EmbeddedOptions
{
    public const string Section = "IngestLayer:Embedded";

    /// <summary>How many recent events the in-memory log deduplicates over.</summary>
    [Range(1_000, 50_000_000)]
    public int EventLogCapacity { get; set; } = 1_000_000;

    /// <summary>How many alerts the in-memory outbox keeps for the ops API once delivered.</summary>
    [Range(100, 1_000_000)]
    public int AlertHistoryCapacity { get; set; } = 10_000;
}
