namespace IngestLayer.Webhooks;

/// <summary>
/// How one delivery attempt ended. Expected failures are values, not exceptions, so the outbox decides what to
/// retry and when (<see cref="WebhookRetrySchedule"/>). No <c>Reason</c> holds the secret, the URL or the body.
/// </summary>
public abstract record WebhookDeliveryResult
{
    // Closed hierarchy: the three cases below are all there is.
    private WebhookDeliveryResult()
    {
    }

    /// <summary>The receiver answered 2xx.</summary>
    public sealed record Delivered(int StatusCode) : WebhookDeliveryResult;

    /// <summary>
    /// Worth another attempt: 408, 429, 5xx, a timeout or a network failure. <paramref name="RetryAfter"/> is the
    /// receiver's <c>Retry-After</c> when it sent one (capped at <see cref="WebhookSender.MaxRetryAfter"/>); pass it
    /// to <see cref="WebhookRetrySchedule.NextDelay"/>, which never retries sooner than it.
    /// </summary>
    public sealed record RetryLater(string Reason, int? StatusCode = null, TimeSpan? RetryAfter = null) : WebhookDeliveryResult;

    /// <summary>
    /// Retrying will not help until someone changes something: another 4xx, a redirect, an invalid URL.
    /// <paramref name="DisableEndpoint"/> is set on 410 Gone, the receiver's way of asking us to stop.
    /// </summary>
    public sealed record Failed(string Reason, int? StatusCode = null, bool DisableEndpoint = false) : WebhookDeliveryResult;
}
