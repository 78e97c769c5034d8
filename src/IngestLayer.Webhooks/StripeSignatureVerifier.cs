using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace IngestLayer.Webhooks;

/// <summary>
/// Verifies Stripe-style signatures: <c>Stripe-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;[,v1=&lt;hex&gt;…][,v0=…]</c>,
/// where each <c>v1</c> is the hex HMAC-SHA256 of <c>{t}.{body}</c> keyed with the endpoint secret's UTF-8 bytes
/// (the whole <c>whsec_…</c> string, not a decoding of it). Several <c>v1</c> entries are accepted (Stripe sends
/// one per active secret while an endpoint's secret is being rolled), and so are several secrets of our own;
/// <c>v0</c> and unknown schemes are ignored. Unlike Stripe's libraries, which only refuse old timestamps, a
/// timestamp too far in the future is refused too.
/// </summary>
public sealed class StripeSignatureVerifier : IWebhookVerifier
{
    public const string HeaderName = "Stripe-Signature";

    private const int SignatureLength = 32;

    private readonly byte[][] _keys;

    public StripeSignatureVerifier(string secret, TimeSpan? tolerance = null)
        : this([secret], tolerance)
    {
    }

    public StripeSignatureVerifier(IEnumerable<string> secrets, TimeSpan? tolerance = null)
    {
        _keys = [.. secrets.Select(s => string.IsNullOrEmpty(s)
            ? throw new ArgumentException("A Stripe endpoint secret cannot be empty.", nameof(secrets))
            : Encoding.UTF8.GetBytes(s))];
        if (_keys.Length == 0)
        {
            throw new ArgumentException("At least one secret is needed.", nameof(secrets));
        }

        Tolerance = tolerance ?? StandardWebhookVerifier.DefaultTolerance;
        UnixTimestamp.ThrowIfInvalidTolerance(Tolerance, nameof(tolerance));
    }

    /// <summary>How far <c>t</c> may be from now, either way.</summary>
    public TimeSpan Tolerance { get; }

    public WebhookVerification Verify(IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var values = headers[HeaderName];
        return values.Count > 1 ? WebhookVerification.MissingHeader : Verify(values.ToString(), body, now);
    }

    /// <summary>Verifies from the <c>Stripe-Signature</c> header's value.</summary>
    public WebhookVerification Verify(string? header, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return WebhookVerification.MissingHeader;
        }

        if (!TryReadTimestamp(header, out var seconds))
        {
            return WebhookVerification.InvalidTimestamp;
        }

        if (!AnySignatureMatches(header, seconds, body))
        {
            return WebhookVerification.NoMatchingSignature;
        }

        // As for Standard Webhooks: the clock only after the signature, so only authentic messages learn of it.
        return UnixTimestamp.IsWithin(seconds, now, Tolerance)
            ? new WebhookVerification(WebhookVerificationStatus.Verified, Timestamp: DateTimeOffset.FromUnixTimeSeconds(seconds))
            : new WebhookVerification(WebhookVerificationStatus.TimestampOutsideTolerance);
    }

    /// <summary>Exactly one well-formed <c>t</c>: two would leave open which one was signed.</summary>
    private static bool TryReadTimestamp(string header, out long seconds)
    {
        seconds = 0;
        var found = false;
        foreach (var range in header.AsSpan().Split(','))
        {
            if (TrySplit(header.AsSpan()[range], out var key, out var value) && key.SequenceEqual("t"))
            {
                if (found || !UnixTimestamp.TryParse(value, out seconds))
                {
                    return false;
                }

                found = true;
            }
        }

        return found;
    }

    private bool AnySignatureMatches(string header, long seconds, ReadOnlySpan<byte> body)
    {
        var expected = new byte[_keys.Length][];
        for (var i = 0; i < _keys.Length; i++)
        {
            expected[i] = Compute(_keys[i], seconds, body);
        }

        Span<byte> candidate = stackalloc byte[SignatureLength];
        foreach (var range in header.AsSpan().Split(','))
        {
            if (!TrySplit(header.AsSpan()[range], out var key, out var value) || !key.SequenceEqual("v1"))
            {
                continue;
            }

            if (value.Length != SignatureLength * 2
                || Convert.FromHexString(value, candidate, out _, out _) != OperationStatus.Done)
            {
                continue;
            }

            foreach (var signature in expected)
            {
                if (CryptographicOperations.FixedTimeEquals(candidate, signature))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static byte[] Compute(byte[] key, long seconds, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.ASCII.GetBytes(seconds.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static bool TrySplit(ReadOnlySpan<char> item, out ReadOnlySpan<char> key, out ReadOnlySpan<char> value)
    {
        item = item.Trim();
        var equals = item.IndexOf('=');
        key = equals > 0 ? item[..equals] : default;
        value = equals > 0 ? item[(equals + 1)..] : default;
        return equals > 0;
    }
}
