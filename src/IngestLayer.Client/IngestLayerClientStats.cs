namespace IngestLayer.Client;

/// <summary>Counters since the client was created.</summary>
/// <param name="Enqueued">Events accepted into the queue.</param>
/// <param name="Delivered">Events the service acknowledged (duplicates included: they are stored once).</param>
/// <param name="Dropped">Events refused at enqueue (queue full, too large, client disposed).</param>
/// <param name="Failed">Events taken from the queue but not delivered (rejected, or retries exhausted).</param>
public sealed record IngestLayerClientStats(long Enqueued, long Delivered, long Dropped, long Failed)
{
    /// <summary>Events still queued or in flight.</summary>
    public long Pending => Enqueued - Delivered - Failed;
}
