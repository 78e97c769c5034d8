namespace IngestLayer.Client;

/// <summary>What the client does with a new event when its queue already holds <see cref="IngestLayerClientOptions.MaxQueueSize"/> events.</summary>
public enum OverflowPolicy
{
    /// <summary>
    /// Drop the new event and report it to <see cref="IngestLayerClientOptions.OnError"/> as
    /// <see cref="IngestLayerErrorKind.Dropped"/>. Tracking never blocks the caller (the default).
    /// </summary>
    DropNewest,

    /// <summary>
    /// <c>IngestAsync</c> waits for room (the caller is slowed to the rate the service takes events).
    /// <c>Track</c>, which cannot wait, still drops.
    /// </summary>
    Wait,
}
