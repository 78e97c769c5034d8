using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace IngestLayer.Slack;

/// <summary>
/// Checks Slack's request signature (<c>X-Slack-Signature: v0=hex(HMAC-SHA256(signing secret, "v0:{timestamp}:{body}"))</c>)
/// over the raw body as received, and that <c>X-Slack-Request-Timestamp</c> is within five minutes of now, so a captured
/// request cannot be replayed later. The comparison takes the same time however much of the signature matches.
/// </summary>
public sealed class SlackSignatureVerifier(IOptionsMonitor<SlackOptions> options, TimeProvider time)
{
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";

    /// <summary>How far the request's timestamp may be from now, either way (Slack's documented window).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private const string Version = "v0";

    /// <summary>Verifies a request's <paramref name="timestamp"/> and <paramref name="signature"/> headers against its raw <paramref name="body"/>.</summary>
    public SlackSignatureCheck Verify(string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        var secret = options.CurrentValue.SigningSecret;
        if (string.IsNullOrWhiteSpace(secret))
        {
            return SlackSignatureCheck.NotConfigured;
        }

        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return SlackSignatureCheck.Missing;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return SlackSignatureCheck.Invalid;
        }

        var sent = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if ((time.GetUtcNow() - sent).Duration() > Window)
        {
            return SlackSignatureCheck.Stale;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given) ? SlackSignatureCheck.Valid : SlackSignatureCheck.Invalid;
    }

    /// <summary>The signature Slack sends for <paramref name="body"/> at <paramref name="timestamp"/>: <c>v0=</c> and 64 lower-case hex digits.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{Version}:{timestamp}:");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return Version + "=" + Convert.ToHexStringLower(mac);
    }
}

/// <summary>How a Slack request's signature check ended.</summary>
public enum SlackSignatureCheck
{
    Valid,
    /// <summary><c>Slack:SigningSecret</c> is not set: nothing can be verified.</summary>
    NotConfigured,
    /// <summary>A signature or timestamp header is absent.</summary>
    Missing,
    /// <summary>The timestamp is more than <see cref="SlackSignatureVerifier.Window"/> from now (a replay, or a badly wrong clock).</summary>
    Stale,
    /// <summary>The signature does not match the body, or the timestamp is not a number.</summary>
    Invalid,
}
