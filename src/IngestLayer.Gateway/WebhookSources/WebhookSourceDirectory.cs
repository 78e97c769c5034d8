using System.Collections.Concurrent;
using IngestLayer.Contracts.Webhooks;
using IngestLayer.Storage;
using IngestLayer.Webhooks;

namespace IngestLayer.Gateway.WebhookSources;

/// <summary>A loaded webhook source: its workspace, definition, verifier and compiled mapping.</summary>
public sealed record ResolvedWebhookSource(string Workspace, WebhookSourceDefinition Source, IWebhookVerifier Verifier, CompiledWebhookMapping Mapping);

/// <summary>
/// The host's index of webhook sources by id, for <c>POST /v1/webhooks/{id}</c>: read from the store on first use
/// and kept for <see cref="RefreshInterval"/>, so a provider's steady stream costs no store read per request.
/// A write through this host's ops API drops its entry at once; other hosts see it within the interval.
/// Unknown ids are remembered too (briefly, and only well-formed ones are ever looked up), so requests for a
/// deleted source do not each reach the database.
/// </summary>
public sealed class WebhookSourceDirectory(IWebhookSourceStore store, TimeProvider time)
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    // Past this many entries the cache starts over rather than grow with whatever ids callers invent.
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (ResolvedWebhookSource? Source, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    /// <summary>The live source of <paramref name="id"/>, enabled or not, or null.</summary>
    public async ValueTask<ResolvedWebhookSource?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (!WebhookSourceValidator.IsWellFormedId(id))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (_entries.TryGetValue(id, out var cached) && cached.Until > now)
        {
            return cached.Source;
        }

        var entry = await store.FindAsync(id, cancellationToken);
        var resolved = entry is null ? null : Resolve(entry);
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[id] = (resolved, now + RefreshInterval);
        return resolved;
    }

    /// <summary>Forgets <paramref name="id"/>, after a write through this host.</summary>
    public void Invalidate(string id) => _entries.TryRemove(id, out _);

    /// <summary>The verifier of a source's scheme over its secrets.</summary>
    public static IWebhookVerifier VerifierOf(WebhookSourceDefinition source) => source.Scheme == WebhookSchemes.Stripe
        ? new StripeSignatureVerifier(source.Secrets)
        : new StandardWebhookVerifier(source.Secrets.Select(StandardWebhookSecret.Parse));

    private static ResolvedWebhookSource Resolve(WebhookSourceEntry entry) =>
        new(entry.Workspace, entry.Source, VerifierOf(entry.Source), CompiledWebhookMapping.Compile(entry.Source.Mapping));
}
