namespace IngestLayer.Webhooks;

/// <summary>The Standard Webhooks header names and signature version.</summary>
public static class StandardWebhookHeaders
{
    public const string Id = "webhook-id";
    public const string Timestamp = "webhook-timestamp";
    public const string Signature = "webhook-signature";

    /// <summary>The version tag of an HMAC-SHA256 signature: <c>v1,&lt;base64&gt;</c>.</summary>
    public const string SymmetricVersion = "v1";
}
