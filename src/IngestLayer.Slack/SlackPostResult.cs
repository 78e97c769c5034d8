namespace IngestLayer.Slack;

/// <summary>
/// How a <c>chat.postMessage</c> call ended, after the client's own short in-call retries. Expected
/// failures are values, not exceptions, so the caller decides what to retry and when.
/// </summary>
public abstract record SlackPostResult
{
    // Closed hierarchy: the four cases below are all there is.
    private SlackPostResult()
    {
    }

    /// <summary>Posted. <paramref name="Channel"/> is the channel id Slack resolved the name to.</summary>
    public sealed record Ok(string Ts, string Channel) : SlackPostResult;

    /// <summary>HTTP 429: try again no sooner than <paramref name="RetryAfter"/>.</summary>
    public sealed record RateLimited(TimeSpan RetryAfter) : SlackPostResult;

    /// <summary>An outage, timeout or network failure; worth retrying later.</summary>
    public sealed record Transient(string Error) : SlackPostResult;

    /// <summary>
    /// Slack refused the message (<c>channel_not_found</c>, <c>invalid_auth</c>, …); retrying will not help
    /// until someone changes something. <paramref name="Detail"/> holds Slack's <c>response_metadata</c> messages.
    /// </summary>
    public sealed record Permanent(string Error, string? Detail = null) : SlackPostResult;
}
