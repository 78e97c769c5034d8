using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace IngestLayer.Gateway;

/// <summary>The gateway's settings (<c>IngestLayer</c> section): credentials, sources and request limits.</summary>
public sealed partial class IngestLayerOptions : IValidatableObject
{
    public const string Section = "IngestLayer";
    public const string DefaultWorkspace = "default";

    /// <summary>Bearer token for <c>/ops/*</c>. Generated (and printed once) at start-up when not set.</summary>
    public string? AdminToken { get; set; }

    /// <summary>Ingestion sources by name, each with its write key and workspace.</summary>
    public Dictionary<string, SourceOptions> Sources { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Largest single event, in bytes (Segment's limit: 32 KB).</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxEventBytes { get; set; } = 32 * 1024;

    /// <summary>Largest request body, in bytes (Segment's batch limit: 500 KB).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBatchBytes { get; set; } = 500 * 1024;

    /// <summary>
    /// Most events in one request. Far above what 500 KB of real events holds (SDKs send 100 at a time), it bounds the
    /// work a request of tiny events can cause; over it, 413, on which the SDKs split the batch.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxBatchEvents { get; set; } = 2_500;

    /// <summary>
    /// How deeply a body's JSON may nest, counting the envelope (a batch's <c>properties</c> start at level 4). Each level
    /// costs the parser stack; no analytics payload needs more than a handful.
    /// </summary>
    [Range(8, 256)]
    public int MaxNestingDepth { get; set; } = 32;

    /// <summary>Largest book-of-business CSV upload, in bytes.</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxCsvBytes { get; set; } = 10 * 1024 * 1024;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AdminToken is { Length: < 16 })
        {
            yield return new ValidationResult("IngestLayer:AdminToken must be at least 16 characters.", [nameof(AdminToken)]);
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, source) in Sources)
        {
            if (!NamePattern().IsMatch(name))
            {
                yield return new ValidationResult($"IngestLayer:Sources:{name}: a source name may hold letters, digits, '-' and '_' (at most 64).");
            }

            if (string.IsNullOrWhiteSpace(source.WriteKey) || source.WriteKey.Length < 8)
            {
                yield return new ValidationResult($"IngestLayer:Sources:{name}:WriteKey is required and must be at least 8 characters.");
            }
            else if (!keys.Add(source.WriteKey))
            {
                yield return new ValidationResult($"IngestLayer:Sources:{name}:WriteKey is used by another source; each source needs its own key.");
            }

            if (!NamePattern().IsMatch(source.Workspace))
            {
                yield return new ValidationResult($"IngestLayer:Sources:{name}:Workspace may hold letters, digits, '-' and '_' (at most 64).");
            }
        }
    }

    public static bool IsValidWorkspace(string workspace) => NamePattern().IsMatch(workspace);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();
}

/// <summary>One ingestion source: the write key that identifies it, and the workspace its events belong to.</summary>
public sealed class SourceOptions
{
    public string WriteKey { get; set; } = "";

    public string Workspace { get; set; } = IngestLayerOptions.DefaultWorkspace;
}
