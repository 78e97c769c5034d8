using System.ComponentModel.DataAnnotations;

namespace IngestLayer.Host;

/// <summary>Where the silo listens and which cluster it joins (<c>Orleans</c> section); two hosts on one machine need distinct ports.</summary>
public sealed class SiloOptions
{
    public const string Section = "Orleans";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Part of every stored grain key: hosts sharing grain state must agree on it.</summary>
    [Required]
    public string ServiceId { get; set; } = "ingestlayer";

    /// <summary>The cluster to join; unset means the mode's default (<see cref="ClusterIdFor"/>).</summary>
    public string? ClusterId { get; set; }

    /// <summary>The configured cluster id, else <c>ingestlayer</c> in durable mode and <c>ingestlayer-embedded</c> in embedded mode.</summary>
    public string ClusterIdFor(bool durable) =>
        !string.IsNullOrWhiteSpace(ClusterId) ? ClusterId : durable ? "ingestlayer" : "ingestlayer-embedded";
}
