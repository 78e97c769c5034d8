using System.ComponentModel.DataAnnotations;

namespace IngestLayer.Gateway.Live;

/// <summary>The live feeds' server-sent events (<c>IngestLayer:Live</c>).</summary>
public sealed class LiveOptions
{
    public const string Section = "IngestLayer:Live";

    /// <summary>
    /// Account batches a subscriber may have waiting to be written. A subscriber this far behind when more arrive is
    /// dropped rather than slowing the stream that delivers to it.
    /// </summary>
    [Range(1, 100_000)]
    public int BufferCapacity { get; set; } = 1_000;

    /// <summary>How often an idle feed sends a comment line, so proxies and clients see the connection alive.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Feeds this host serves at once; one more is answered 503.</summary>
    [Range(1, 100_000)]
    public int MaxSubscribers { get; set; } = 200;

    /// <summary>How long a dropped subscriber's last pending write may take before its connection is cut.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan DropGrace { get; set; } = TimeSpan.FromSeconds(10);
}
