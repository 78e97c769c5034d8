using IngestLayer.Contracts;

namespace IngestLayer.Storage;

/// <summary>
/// What a host's dispatcher needs from a durable log to hand every acknowledged event to its grains at
/// least once across crashes: who it is, how far grains have persisted its events (the checkpoint), and
/// the events after that to replay on start-up.
/// </summary>
public interface IDispatchLedger
{
    /// <summary>
    /// This host's name in the log (the events it appended carry it), or null when the log assigns no
    /// positions and nothing is replayed (the embedded mode).
    /// </summary>
    string? Origin { get; }

    /// <summary>
    /// The position through which every event this host appended is reflected in persisted grain state.
    /// </summary>
    Task<long> ReadCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>Moves the checkpoint forward (never back).</summary>
    Task WriteCheckpointAsync(long position, CancellationToken cancellationToken);

    /// <summary>The newest position this host has appended, the end of a start-up replay.</summary>
    Task<long> LastPositionAsync(CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> of this host's events after <paramref name="after"/> and through <paramref name="through"/>, in log order.</summary>
    Task<IReadOnlyList<IngestEvent>> ReadAsync(long after, long through, int max, CancellationToken cancellationToken);
}

/// <summary>The embedded mode's ledger: an in-memory log dies with the process, so there is nothing to replay.</summary>
public sealed class NoDispatchLedger : IDispatchLedger
{
    public string? Origin => null;

    public Task<long> ReadCheckpointAsync(CancellationToken cancellationToken) => Task.FromResult(0L);

    public Task WriteCheckpointAsync(long position, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<long> LastPositionAsync(CancellationToken cancellationToken) => Task.FromResult(0L);

    public Task<IReadOnlyList<IngestEvent>> ReadAsync(long after, long through, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IngestEvent>>([]);
}
