using Microsoft.AspNetCore.Http;

namespace IngestLayer.Webhooks;

/// <summary>
/// Verifies one webhook source's signatures: <see cref="StandardWebhookVerifier"/> or <see cref="StripeSignatureVerifier"/>,
/// built from the source's scheme and secrets.
/// </summary>
public interface IWebhookVerifier
{
    /// <param name="headers">The request's headers.</param>
    /// <param name="body">The raw request body, byte for byte as received (not re-serialized JSON).</param>
    /// <param name="now">The current time, to check the signed timestamp against.</param>
    WebhookVerification Verify(IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now);
}
