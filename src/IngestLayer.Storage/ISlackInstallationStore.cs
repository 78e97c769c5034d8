namespace IngestLayer.Storage;

/// <summary>
/// Slack installations, one per IngestLayer workspace (part of the config store), and the install flow's used
/// <c>state</c> nonces, so a state is accepted once across every host.
/// </summary>
public interface ISlackInstallationStore
{
    /// <summary>The workspace's installation, active or not; null when the app was never installed for it.</summary>
    ValueTask<SlackInstallation?> GetAsync(string workspace, CancellationToken cancellationToken);

    /// <summary>Every installation, ordered by workspace.</summary>
    ValueTask<IReadOnlyList<SlackInstallation>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Stores a (re)installation, replacing whatever the workspace had.</summary>
    ValueTask SaveAsync(SlackInstallation installation, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the tokens of installation <paramref name="installationId"/> if it is still at <paramref name="expectedVersion"/>,
    /// bumping the version. False when another host rotated first or the workspace was reinstalled meanwhile.
    /// </summary>
    ValueTask<bool> RotateTokensAsync(string workspace, Guid installationId, int expectedVersion, SlackRotatedTokens tokens, CancellationToken cancellationToken);

    /// <summary>Marks installation <paramref name="installationId"/> inactive; false when it is not the workspace's current one or already inactive.</summary>
    ValueTask<bool> DeactivateAsync(string workspace, Guid installationId, string reason, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Records the install <c>state</c> nonce as used. True the first time; false when it was used before (a replay).
    /// Nonces are forgotten after <paramref name="expiresAt"/>, when the state itself is no longer accepted.
    /// </summary>
    ValueTask<bool> TryConsumeStateAsync(string nonce, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken);
}
