using IngestLayer.Webhooks;

namespace IngestLayer.WebhookTests;

/// <summary>One request as <see cref="WebhookReceiver"/> saw it, with its own verification of the signature.</summary>
internal sealed record ReceivedWebhook(
    string Method,
    string Path,
    string? ContentType,
    string? UserAgent,
    string? Cookie,
    string? Id,
    string? Timestamp,
    string? Signature,
    byte[] Body,
    WebhookVerification Verification);
