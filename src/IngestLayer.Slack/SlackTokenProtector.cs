using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace IngestLayer.Slack;

/// <summary>
/// Encrypts Slack tokens for the installation store and decrypts them for use, with ASP.NET Core Data Protection
/// under a purpose of its own. The key ring is the host's: in PostgreSQL in durable mode (every host decrypts what
/// another stored), in memory in embedded mode (as the installations themselves).
/// </summary>
public sealed class SlackTokenProtector(IDataProtectionProvider provider)
{
    public const string Purpose = "IngestLayer.Slack.Installations";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public string Protect(string token) => _protector.Protect(token);

    /// <summary>The token in clear, or null when the ciphertext cannot be read (its key is gone from the key ring, or it was altered).</summary>
    public string? TryUnprotect(string protectedToken)
    {
        try
        {
            return _protector.Unprotect(protectedToken);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
