namespace IngestLayer.Contracts.Live;

/// <summary>
/// One item on a live stream: the batches one silo's account grains applied for the stream's feed within one flush
/// interval. Grouping per silo and interval makes the stream's cost per interval rather than per applied batch.
/// </summary>
/// <param name="Batches">The batches, in the order each account applied them.</param>
/// <param name="Discarded">Batches this silo left out because the feed's pending list was full (a view, not a log).</param>
[GenerateSerializer, Immutable, Alias("IngestLayer.LiveDelivery")]
public sealed record LiveDelivery(
    [property: Id(0)] IReadOnlyList<LiveBatch> Batches,
    [property: Id(1)] int Discarded = 0);
