using IngestLayer.Contracts;

namespace IngestLayer.Storage;

/// <summary>An event as the durable log keeps it: with the host that appended it (<c>event_log.ingested_by</c>).</summary>
/// <param name="Event">The event, with its position.</param>
/// <param name="IngestedBy">
/// The host whose dispatcher delivers it live, the origin grains keep their applied watermark under
/// (<see cref="EventBatch.Origin"/>); null for rows stored before hosts were recorded.
/// </param>
public readonly record struct StoredEvent(IngestEvent Event, string? IngestedBy);
