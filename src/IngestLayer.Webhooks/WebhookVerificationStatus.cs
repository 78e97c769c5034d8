namespace IngestLayer.Webhooks;

/// <summary>How a signed webhook's verification ended.</summary>
public enum WebhookVerificationStatus
{
    /// <summary>A signature matched and the timestamp is within the tolerance.</summary>
    Verified,

    /// <summary>A signature header is absent or empty, or an id or timestamp header is repeated.</summary>
    MissingHeader,

    /// <summary>The timestamp is not a whole number of seconds since the Unix epoch.</summary>
    InvalidTimestamp,

    /// <summary>
    /// A signature matched, but the timestamp is further from now than the tolerance: an old message replayed, or
    /// a sender whose clock is off. Only reported for authentic messages: a forgery is <see cref="NoMatchingSignature"/>.
    /// </summary>
    TimestampOutsideTolerance,

    /// <summary>No signature in the header matches the body under any of the secrets.</summary>
    NoMatchingSignature,
}
