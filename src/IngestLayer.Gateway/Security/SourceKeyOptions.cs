using System.ComponentModel.DataAnnotations;

namespace IngestLayer.Gateway.Security;

/// <summary>How each host keeps its copy of the stored sources' keys (<c>IngestLayer:SourceKeys</c>).</summary>
public sealed class SourceKeyOptions
{
    public const string Section = "IngestLayer:SourceKeys";

    /// <summary>
    /// How often a host reloads the stored sources. A change made through a host applies there at once; on the
    /// other hosts of the cluster a revoked key keeps working, and a new one is refused, for at most this long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
}
