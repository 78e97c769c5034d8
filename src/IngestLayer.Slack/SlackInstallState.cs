using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace IngestLayer.Slack;

/// <summary>
/// The OAuth <c>state</c> of an install: which workspace it is for, a random nonce (recorded as used when its
/// callback arrives, so it works once), and when it was issued (it expires after <see cref="Lifetime"/>), all
/// encrypted and signed with Data Protection so nobody can forge or alter one.
/// </summary>
public sealed class SlackInstallState(IDataProtectionProvider provider, TimeProvider time)
{
    public const string Purpose = "IngestLayer.Slack.InstallState";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private const string Version = "v1";
    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    /// <summary>A new state for an install into <paramref name="workspace"/>, issued now or at <paramref name="issuedAt"/>.</summary>
    public string Issue(string workspace, DateTimeOffset? issuedAt = null)
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var at = (issuedAt ?? time.GetUtcNow()).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return _protector.Protect(string.Join('\n', Version, nonce, workspace, at));
    }

    /// <summary>Reads a state received by the callback: valid (not yet used-checked), forged or damaged, or expired.</summary>
    public SlackInstallStateReading Read(string? state)
    {
        if (string.IsNullOrEmpty(state))
        {
            return new SlackInstallStateReading.Invalid();
        }

        string payload;
        try
        {
            payload = _protector.Unprotect(state);
        }
        catch (CryptographicException)
        {
            return new SlackInstallStateReading.Invalid();
        }

        var parts = payload.Split('\n');
        if (parts is not [Version, var nonce, var workspace, var issued] || !long.TryParse(issued, CultureInfo.InvariantCulture, out var seconds))
        {
            return new SlackInstallStateReading.Invalid();
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(seconds) + Lifetime;
        return time.GetUtcNow() >= expiresAt
            ? new SlackInstallStateReading.Expired(workspace)
            : new SlackInstallStateReading.Valid(nonce, workspace, expiresAt);
    }
}

/// <summary>What <see cref="SlackInstallState.Read"/> made of a state.</summary>
public abstract record SlackInstallStateReading
{
    private SlackInstallStateReading()
    {
    }

    /// <summary>Issued by this IngestLayer, unaltered and in time; whether it was used before is the store's to say.</summary>
    public sealed record Valid(string Nonce, string Workspace, DateTimeOffset ExpiresAt) : SlackInstallStateReading;

    /// <summary>Genuine but older than <see cref="SlackInstallState.Lifetime"/>.</summary>
    public sealed record Expired(string Workspace) : SlackInstallStateReading;

    /// <summary>Missing, forged, damaged, or made with a key this host does not have.</summary>
    public sealed record Invalid : SlackInstallStateReading;
}
