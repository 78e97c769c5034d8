namespace IngestLayer.Storage;

/// <summary>The embedded mode's Slack installations and used install states: per process, gone on restart like the rest of embedded state.</summary>
public sealed class MemorySlackInstallationStore : ISlackInstallationStore
{
    private readonly Dictionary<string, SlackInstallation> _installations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _usedStates = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ValueTask<SlackInstallation?> GetAsync(string workspace, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_installations.GetValueOrDefault(workspace));
        }
    }

    public ValueTask<IReadOnlyList<SlackInstallation>> ListAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<SlackInstallation> list = [.. _installations.Values.OrderBy(i => i.Workspace, StringComparer.Ordinal)];
            return ValueTask.FromResult(list);
        }
    }

    public ValueTask SaveAsync(SlackInstallation installation, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _installations[installation.Workspace] = installation;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> RotateTokensAsync(string workspace, Guid installationId, int expectedVersion, SlackRotatedTokens tokens, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_installations.TryGetValue(workspace, out var current) || current.InstallationId != installationId || current.TokenVersion != expectedVersion)
            {
                return ValueTask.FromResult(false);
            }

            _installations[workspace] = current with
            {
                ProtectedBotToken = tokens.ProtectedBotToken,
                ProtectedRefreshToken = tokens.ProtectedRefreshToken,
                TokenExpiresAt = tokens.TokenExpiresAt,
                TokenVersion = expectedVersion + 1,
            };
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<bool> DeactivateAsync(string workspace, Guid installationId, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_installations.TryGetValue(workspace, out var current) || current.InstallationId != installationId || !current.Active)
            {
                return ValueTask.FromResult(false);
            }

            _installations[workspace] = current with { Active = false, DeactivatedAt = at, DeactivatedReason = reason };
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<bool> TryConsumeStateAsync(string nonce, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Forget what has expired: an expired state is refused before it gets here, so its nonce need not be kept.
            foreach (var expired in _usedStates.Where(s => s.Value <= now).Select(s => s.Key).ToList())
            {
                _usedStates.Remove(expired);
            }

            return ValueTask.FromResult(_usedStates.TryAdd(nonce, expiresAt));
        }
    }
}
