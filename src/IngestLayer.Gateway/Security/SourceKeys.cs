using System.Buffers.Text;
using System.Security.Cryptography;

namespace IngestLayer.Gateway.Security;

/// <summary>Write keys of sources created through the ops API: <c>wk_</c> and 32 random bytes, base64url.</summary>
public static class SourceKeys
{
    /// <summary>How many of a key's first characters are kept and shown to tell keys apart (<c>wk_</c> and 5 random ones).</summary>
    public const int PrefixLength = 8;

    /// <summary>
    /// A new key: 256 random bits. Stored as a plain SHA-256 digest, not a slow password hash (bcrypt, Argon2):
    /// slow hashes protect guessable secrets from brute force after a leak of the digests, but nobody can
    /// enumerate 2^256 keys however fast the hash, and the digest is computed on every request.
    /// </summary>
    public static string Generate() => "wk_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The part of <paramref name="key"/> shown to operators; the 37 characters left (about 220 bits) stay secret.</summary>
    public static string Prefix(string key) => key[..PrefixLength];
}
