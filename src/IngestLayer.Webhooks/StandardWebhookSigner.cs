using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IngestLayer.Webhooks;

/// <summary>
/// Signs outgoing webhooks per Standard Webhooks: HMAC-SHA256 over <c>{webhook-id}.{webhook-timestamp}.{body}</c>,
/// written <c>v1,&lt;base64&gt;</c>. Given more than one secret (a rotation in progress) it signs with each, and the
/// header lists the signatures separated by spaces; a receiver holding either secret accepts the message.
/// </summary>
public sealed class StandardWebhookSigner
{
    internal const int SignatureLength = 32;

    private readonly StandardWebhookSecret[] _secrets;

    public StandardWebhookSigner(params IEnumerable<StandardWebhookSecret> secrets)
    {
        _secrets = [.. secrets];
        if (_secrets.Length == 0)
        {
            throw new ArgumentException("At least one secret is needed.", nameof(secrets));
        }
    }

    /// <summary>The <c>webhook-signature</c> header value for <paramref name="body"/>, exactly as it will be sent.</summary>
    /// <param name="messageId">The <c>webhook-id</c>; see <see cref="WebhookMessageId.IsValid"/>.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> (the time of this attempt); fractions of a second are dropped.</param>
    /// <param name="body">The request body, byte for byte.</param>
    public string Sign(string messageId, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        if (!WebhookMessageId.IsValid(messageId))
        {
            throw new ArgumentException(
                $"A webhook id is 1 to {WebhookMessageId.MaxLength} letters, digits, '_' or '-'.", nameof(messageId));
        }

        var seconds = timestamp.ToUnixTimeSeconds();
        Span<byte> signature = stackalloc byte[SignatureLength];
        var header = new StringBuilder();
        foreach (var secret in _secrets)
        {
            Compute(secret.Key, messageId, seconds, body, signature);
            header.Append(header.Length == 0 ? "" : " ")
                .Append(StandardWebhookHeaders.SymmetricVersion).Append(',')
                .Append(Convert.ToBase64String(signature));
        }

        return header.ToString();
    }

    /// <summary>The raw HMAC, shared with the verifier so both read the signed content the same way.</summary>
    internal static void Compute(ReadOnlySpan<byte> key, string messageId, long timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        // Incremental, so a large body is hashed where it lies instead of being copied next to the id.
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes(messageId));
        Span<byte> digits = stackalloc byte[24];
        digits[0] = (byte)'.';
        timestamp.TryFormat(digits[1..], out var written, default, CultureInfo.InvariantCulture);
        digits[written + 1] = (byte)'.';
        hmac.AppendData(digits[..(written + 2)]);
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }
}
