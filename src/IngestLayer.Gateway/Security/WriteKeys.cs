using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.Security;

/// <summary>The source a write key belongs to.</summary>
public sealed record Source(string Name, string Workspace);

/// <summary>
/// Resolves write keys to sources. Keys are held only as SHA-256 digests, so a lookup's timing says
/// nothing about a key's characters and no plain key sits in memory longer than configuration does.
/// </summary>
public sealed class WriteKeys
{
    private readonly Dictionary<string, Source> _byDigest = new(StringComparer.Ordinal);

    public WriteKeys(IOptions<IngestLayerOptions> options)
    {
        foreach (var (name, source) in options.Value.Sources)
        {
            _byDigest[Digest(source.WriteKey)] = new Source(name, source.Workspace);
        }
    }

    public Source? Resolve(string? writeKey) =>
        string.IsNullOrEmpty(writeKey) || writeKey.Length > 512 ? null : _byDigest.GetValueOrDefault(Digest(writeKey));

    private static string Digest(string key) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
