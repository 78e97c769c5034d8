using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.Security;

/// <summary>
/// Fills in what a newcomer did not configure: an admin token and, with no sources at all, a <c>dev</c>
/// source with a write key. The host prints these once at start-up; configured secrets are never printed.
/// </summary>
public sealed class GeneratedCredentials : IPostConfigureOptions<IngestLayerOptions>
{
    public const string DevSource = "dev";

    /// <summary>The admin token generated at start-up, or null when one was configured.</summary>
    public string? AdminToken { get; private set; }

    /// <summary>The dev source's write key generated at start-up, or null when sources were configured.</summary>
    public string? DevWriteKey { get; private set; }

    public void PostConfigure(string? name, IngestLayerOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.AdminToken))
        {
            options.AdminToken = AdminToken ??= "adm_" + RandomToken();
        }

        if (options.Sources.Count == 0)
        {
            DevWriteKey ??= "wk_dev_" + RandomToken();
            options.Sources[DevSource] = new SourceOptions { WriteKey = DevWriteKey, Workspace = IngestLayerOptions.DefaultWorkspace };
        }
    }

    private static string RandomToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
