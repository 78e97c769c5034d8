namespace IngestLayer.Client;

/// <summary>A queued event: the event as tracked (for error reports) and its JSON, rendered once at enqueue time.</summary>
internal sealed record PendingEvent(IngestLayerEvent Event, byte[] Json);
