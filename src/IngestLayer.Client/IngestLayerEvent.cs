namespace IngestLayer.Client;

/// <summary>One event for <c>POST /v1/events</c>; field names follow the native API (<c>user_id</c>, <c>account_id</c>, …).</summary>
/// <param name="Event">The event name, e.g. <c>feature.used</c>.</param>
public sealed record IngestLayerEvent(string Event)
{
    /// <summary>The user; required unless <see cref="AnonymousId"/> is set.</summary>
    public string? UserId { get; init; }

    /// <summary>A visitor not yet identified.</summary>
    public string? AnonymousId { get; init; }

    /// <summary>The account (company); when absent the service uses the user's latest known account.</summary>
    public string? AccountId { get; init; }

    /// <summary>When it happened; the client fills in the enqueue time when absent, so late batches keep their events' times.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Dedupe id; the client generates one at enqueue time when absent, so a retried batch is never counted twice.</summary>
    public string? MessageId { get; init; }

    /// <summary>Any object System.Text.Json can serialize to a JSON object (an anonymous type, a dictionary, a record). Serialized at enqueue time.</summary>
    public object? Properties { get; init; }
}
