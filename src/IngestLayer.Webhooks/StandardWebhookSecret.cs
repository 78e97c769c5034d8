using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace IngestLayer.Webhooks;

/// <summary>
/// A Standard Webhooks signing secret: 24 to 64 random bytes, written <c>whsec_</c> followed by their base64.
/// <see cref="ToString"/> is redacted, so a secret that reaches a log line or a record's printout does not
/// leak; <see cref="Reveal"/> gives the whole value, to show once to the endpoint's owner or to store.
/// </summary>
public sealed class StandardWebhookSecret
{
    public const string Prefix = "whsec_";

    /// <summary>The specification's minimum (192 bits).</summary>
    public const int MinKeyLength = 24;

    /// <summary>The specification's maximum (512 bits).</summary>
    public const int MaxKeyLength = 64;

    /// <summary>What <see cref="Generate"/> makes: 256 bits, the HMAC-SHA256 block's natural key size.</summary>
    public const int GeneratedKeyLength = 32;

    private readonly byte[] _key;

    private StandardWebhookSecret(byte[] key) => _key = key;

    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>A new random secret, for a new destination or a rotation.</summary>
    public static StandardWebhookSecret Generate() => new(RandomNumberGenerator.GetBytes(GeneratedKeyLength));

    /// <summary>Parses <c>whsec_&lt;base64&gt;</c>. The exception's message never repeats the value.</summary>
    /// <exception cref="FormatException">The value is not a Standard Webhooks secret.</exception>
    public static StandardWebhookSecret Parse(string value) =>
        TryParse(value, out var secret)
            ? secret
            : throw new FormatException(
                $"A Standard Webhooks secret is '{Prefix}' followed by the base64 of {MinKeyLength} to {MaxKeyLength} random bytes.");

    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out StandardWebhookSecret? secret)
    {
        secret = null;
        var trimmed = value.AsSpan().Trim();

        // The reference libraries also take the bare base64; we insist on the prefix so that a Stripe secret or
        // an API token pasted into the wrong field is refused at start-up instead of failing every delivery.
        if (!trimmed.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var encoded = trimmed[Prefix.Length..];
        var buffer = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64Chars(encoded, buffer, out var length) || length is < MinKeyLength or > MaxKeyLength)
        {
            return false;
        }

        secret = new StandardWebhookSecret(buffer[..length]);
        return true;
    }

    /// <summary>The secret in its <c>whsec_</c> form. Handle the result as the secret it is.</summary>
    public string Reveal() => Prefix + Convert.ToBase64String(_key);

    /// <summary>Redacted: <c>whsec_…</c>.</summary>
    public override string ToString() => Prefix + "…";
}
