using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace IngestLayer.Webhooks;

/// <summary>
/// Verifies Standard Webhooks signatures (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>).
/// Any of several secrets may match (the receiving side of a rotation), and the header may carry several
/// space-separated signatures (the sending side of one); signatures of other versions (<c>v1a</c>, …) are skipped.
/// </summary>
public sealed class StandardWebhookVerifier : IWebhookVerifier
{
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private readonly StandardWebhookSecret[] _secrets;

    public StandardWebhookVerifier(StandardWebhookSecret secret, TimeSpan? tolerance = null)
        : this([secret], tolerance)
    {
    }

    public StandardWebhookVerifier(IEnumerable<StandardWebhookSecret> secrets, TimeSpan? tolerance = null)
    {
        _secrets = [.. secrets];
        if (_secrets.Length == 0)
        {
            throw new ArgumentException("At least one secret is needed.", nameof(secrets));
        }

        Tolerance = tolerance ?? DefaultTolerance;
        UnixTimestamp.ThrowIfInvalidTolerance(Tolerance, nameof(tolerance));
    }

    /// <summary>How far the signed timestamp may be from now, either way.</summary>
    public TimeSpan Tolerance { get; }

    public WebhookVerification Verify(IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        // A repeated id or timestamp is ambiguous (which one was signed?); repeated signature headers are one list.
        if (!TrySingle(headers, StandardWebhookHeaders.Id, out var id) || !TrySingle(headers, StandardWebhookHeaders.Timestamp, out var timestamp))
        {
            return WebhookVerification.MissingHeader;
        }

        var signatures = headers[StandardWebhookHeaders.Signature];
        return Verify(id, timestamp, signatures.Count > 1 ? string.Join(' ', signatures.ToArray()) : signatures.ToString(), body, now);
    }

    /// <summary>Verifies from the three header values, for callers that do not hold an <see cref="IHeaderDictionary"/>.</summary>
    public WebhookVerification Verify(string? webhookId, string? webhookTimestamp, string? webhookSignature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(webhookTimestamp) || string.IsNullOrWhiteSpace(webhookSignature))
        {
            return WebhookVerification.MissingHeader;
        }

        if (!UnixTimestamp.TryParse(webhookTimestamp, out var seconds))
        {
            return WebhookVerification.InvalidTimestamp;
        }

        // The signature before the clock: a forgery learns nothing about our tolerance, and a stale but authentic
        // message (a replay, or a skewed sender clock) is told apart from one that was never ours.
        if (!AnySignatureMatches(webhookId, seconds, webhookSignature, body))
        {
            return WebhookVerification.NoMatchingSignature;
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return UnixTimestamp.IsWithin(seconds, now, Tolerance)
            ? new WebhookVerification(WebhookVerificationStatus.Verified, webhookId, sentAt)
            : new WebhookVerification(WebhookVerificationStatus.TimestampOutsideTolerance);
    }

    private bool AnySignatureMatches(string id, long seconds, string header, ReadOnlySpan<byte> body)
    {
        var size = StandardWebhookSigner.SignatureLength * _secrets.Length;
        Span<byte> expected = _secrets.Length <= 8 ? stackalloc byte[size] : new byte[size];
        for (var i = 0; i < _secrets.Length; i++)
        {
            StandardWebhookSigner.Compute(_secrets[i].Key, id, seconds, body, Slice(expected, i));
        }

        Span<byte> candidate = stackalloc byte[StandardWebhookSigner.SignatureLength];
        foreach (var range in header.AsSpan().Split(' '))
        {
            var entry = header.AsSpan()[range];
            var comma = entry.IndexOf(',');
            if (comma < 0 || !entry[..comma].SequenceEqual(StandardWebhookHeaders.SymmetricVersion))
            {
                continue;
            }

            // A value that is not base64 of exactly 32 bytes cannot match; skip it and keep looking.
            if (!Convert.TryFromBase64Chars(entry[(comma + 1)..], candidate, out var length) || length != candidate.Length)
            {
                continue;
            }

            for (var i = 0; i < _secrets.Length; i++)
            {
                if (CryptographicOperations.FixedTimeEquals(candidate, Slice(expected, i)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static Span<byte> Slice(Span<byte> all, int index) =>
        all.Slice(index * StandardWebhookSigner.SignatureLength, StandardWebhookSigner.SignatureLength);

    private static bool TrySingle(IHeaderDictionary headers, string name, out string? value)
    {
        StringValues values = headers[name];
        value = values.Count == 1 ? values[0] : null;
        return values.Count <= 1;
    }
}
