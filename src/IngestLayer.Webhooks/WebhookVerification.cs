namespace IngestLayer.Webhooks;

/// <summary>
/// The outcome of verifying a signed webhook. <see cref="MessageId"/> and <see cref="Timestamp"/> are set only
/// when the message is authentic, so nothing unverified is ever used as a deduplication key.
/// </summary>
/// <param name="Status">How verification ended.</param>
/// <param name="MessageId">The <c>webhook-id</c> (Standard Webhooks only; Stripe puts its event id in the body).</param>
/// <param name="Timestamp">The signed send time.</param>
public sealed record WebhookVerification(
    WebhookVerificationStatus Status,
    string? MessageId = null,
    DateTimeOffset? Timestamp = null)
{
    internal static readonly WebhookVerification MissingHeader = new(WebhookVerificationStatus.MissingHeader);
    internal static readonly WebhookVerification InvalidTimestamp = new(WebhookVerificationStatus.InvalidTimestamp);
    internal static readonly WebhookVerification NoMatchingSignature = new(WebhookVerificationStatus.NoMatchingSignature);

    public bool IsVerified => Status == WebhookVerificationStatus.Verified;

    /// <summary>
    /// A fixed sentence per status, fit for a 401 body: it repeats nothing from the request and says nothing about
    /// the secrets or the expected signature.
    /// </summary>
    public string Reason => Status switch
    {
        WebhookVerificationStatus.Verified => "Verified.",
        WebhookVerificationStatus.MissingHeader => "The webhook signature headers are missing or repeated.",
        WebhookVerificationStatus.InvalidTimestamp => "The webhook timestamp is not a Unix time in seconds.",
        WebhookVerificationStatus.TimestampOutsideTolerance => "The webhook timestamp is outside the allowed tolerance.",
        _ => "No webhook signature matches.",
    };
}
