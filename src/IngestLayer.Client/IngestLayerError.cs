namespace IngestLayer.Client;

/// <summary>Why events did not reach the service (or were refused by it).</summary>
public enum IngestLayerErrorKind
{
    /// <summary>The queue was full (<see cref="OverflowPolicy.DropNewest"/>), or the client was disposed: the event was never sent.</summary>
    Dropped,

    /// <summary>The service refused the events as invalid (400, or <c>rejected</c> in a 200); retrying would not help.</summary>
    Rejected,

    /// <summary>A single event is over the service's size limit (413, or over <see cref="IngestLayerClientOptions.MaxEventBytes"/> at enqueue).</summary>
    TooLarge,

    /// <summary>The write key is missing or unknown (401), or another 4xx that is not retried.</summary>
    ClientError,

    /// <summary>Network errors, timeouts, 429 or 5xx answers outlasted every retry.</summary>
    DeliveryFailed,
}

/// <summary>An event that was not delivered, with the service's reason when it gave one.</summary>
/// <param name="Event">The event as tracked, with the message id and timestamp the client gave it.</param>
/// <param name="Field">The field the service objected to (<c>user_id</c>, <c>properties.count</c>, …), when known.</param>
/// <param name="Reason">Why, in words.</param>
public sealed record FailedEvent(IngestLayerEvent Event, string? Field, string Reason);

/// <summary>Reported to <see cref="IngestLayerClientOptions.OnError"/>: what went wrong and which events it concerns.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Message">A description, e.g. the problem detail the service answered.</param>
/// <param name="Events">The events concerned; none of them is delivered.</param>
/// <param name="StatusCode">The HTTP status of the last answer, when there was one.</param>
/// <param name="Exception">The last exception, for network errors and timeouts.</param>
public sealed record IngestLayerError(
    IngestLayerErrorKind Kind,
    string Message,
    IReadOnlyList<FailedEvent> Events,
    int? StatusCode = null,
    Exception? Exception = null);
