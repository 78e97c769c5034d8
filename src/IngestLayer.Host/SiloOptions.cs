using System.ComponentModel.DataAnnotations;

namespace IngestLayer.Host;

/// <summary>Where the embedded silo listens (<c>Orleans</c> section); two hosts on one machine need distinct ports.</summary>
public sealed class SiloOptions
{
    public const string Section = "Orleans";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    [Required]
    public string ServiceId { get; set; } = "ingestlayer";

    [Required]
    public string ClusterId { get; set; } = "ingestlayer-embedded";
}
