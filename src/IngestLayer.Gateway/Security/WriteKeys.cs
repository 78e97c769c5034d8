using System.Security.Cryptography;
using System.Text;
using IngestLayer.Storage;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.Security;

/// <summary>The source a write key belongs to.</summary>
public sealed record Source(string Name, string Workspace);

/// <summary>
/// Resolves write keys to sources: the configured ones (<c>IngestLayer:Sources</c>, always) and those created
/// through <c>/ops/sources</c>, which <see cref="SourceKeyRefresher"/> loads from the source store. Keys are held
/// only as SHA-256 digests, so a lookup's timing says nothing about a key's characters and no plain key sits in
/// memory longer than configuration does. Called for every request: one hash and one dictionary read, no
/// allocation, no lock (the map is replaced whole when it changes).
/// </summary>
public sealed class WriteKeys
{
    private const int MaxKeyLength = 512;

    private readonly TimeProvider _time;
    private readonly Dictionary<string, Source> _configured = new(StringComparer.Ordinal);
    private volatile KeyMap _map;

    public WriteKeys(IOptions<IngestLayerOptions> options, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        var configured = new Dictionary<string, KeyEntry>(StringComparer.Ordinal);
        foreach (var (name, source) in options.Value.Sources)
        {
            _configured[name] = new Source(name, source.Workspace);
            configured[Digest(source.WriteKey)] = new KeyEntry(_configured[name], ValidUntil: null);
        }

        _map = new KeyMap(configured, configured);
    }

    /// <summary>The configured sources by name (read-only through the ops API).</summary>
    public IReadOnlyDictionary<string, Source> Configured => _configured;

    public Source? Resolve(string? writeKey)
    {
        if (string.IsNullOrEmpty(writeKey) || writeKey.Length > MaxKeyLength)
        {
            return null;
        }

        Span<byte> utf8 = stackalloc byte[MaxKeyLength * 3];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        Span<char> hex = stackalloc char[SHA256.HashSizeInBytes * 2];
        SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(writeKey, utf8)], hash);
        Convert.TryToHexStringLower(hash, hex, out _);
        if (!_map.Lookup.TryGetValue(hex, out var entry))
        {
            return null;
        }

        return entry.ValidUntil is { } until && _time.GetUtcNow() >= until ? null : entry.Source;
    }

    /// <summary>
    /// Replaces the stored sources' keys with <paramref name="stored"/> (the live ones: revoked sources are
    /// simply absent, so their keys stop resolving). A rotated-out key stays until its grace period ends.
    /// Configured keys win over a stored source with the same digest.
    /// </summary>
    public void Load(IEnumerable<SourceRecord> stored)
    {
        var now = _time.GetUtcNow();
        var all = new Dictionary<string, KeyEntry>(_map.Configured, StringComparer.Ordinal);
        foreach (var record in stored)
        {
            if (record.RevokedAt is not null)
            {
                continue;
            }

            var source = new Source(record.Name, record.Workspace);
            all.TryAdd(record.KeyDigest, new KeyEntry(source, ValidUntil: null));
            if (record is { PreviousKeyDigest: { } previous, PreviousKeyValidUntil: { } until } && until > now)
            {
                all.TryAdd(previous, new KeyEntry(source, until));
            }
        }

        _map = new KeyMap(_map.Configured, all);
    }

    /// <summary>SHA-256 of the key's UTF-8 bytes, lowercase hex: what the source store holds instead of the key.</summary>
    public static string Digest(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private sealed record KeyEntry(Source Source, DateTimeOffset? ValidUntil);

    /// <summary>The configured keys, and those plus the stored ones, looked up by a span so a request's digest needs no string.</summary>
    private sealed class KeyMap(Dictionary<string, KeyEntry> configured, Dictionary<string, KeyEntry> all)
    {
        public Dictionary<string, KeyEntry> Configured { get; } = configured;

        public Dictionary<string, KeyEntry>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; } = all.GetAlternateLookup<ReadOnlySpan<char>>();
    }
}
