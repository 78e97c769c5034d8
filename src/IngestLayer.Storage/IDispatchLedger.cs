using IngestLayer.Contracts;

namespace IngestLayer.Storage;

/// <summary>
/// What dispatchers need from a durable log to hand every acknowledged event to its grains at least once
/// across crashes. Each host ("origin") appends its own events; per origin the ledger keeps a checkpoint —
/// the position through which that origin's events are reflected in persisted grain state — and serves the
/// events after it for replay: by the host itself on start-up, or by another host once the origin has
/// stopped checkpointing (it died and is not coming back under that name).
/// </summary>
public interface IDispatchLedger
{
    /// <summary>
    /// This host's name in the log (the events it appended carry it), or null when the log assigns no
    /// positions and nothing is replayed (the embedded mode).
    /// </summary>
    string? Origin { get; }

    /// <summary>The origin's checkpoint (0 before its first).</summary>
    Task<long> ReadCheckpointAsync(string origin, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the origin's checkpoint forward (never back) and records that it is alive: a host writes its own
    /// every checkpoint interval, even without progress.
    /// </summary>
    Task WriteCheckpointAsync(string origin, long position, CancellationToken cancellationToken);

    /// <summary>The newest position the origin has appended.</summary>
    Task<long> LastPositionAsync(string origin, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> of the origin's events after <paramref name="after"/> and through <paramref name="through"/>, in log order.</summary>
    Task<IReadOnlyList<IngestEvent>> ReadAsync(string origin, long after, long through, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Other origins that have not written their checkpoint for <paramref name="silentFor"/> and have events
    /// after it: hosts that died with acknowledged work not yet persisted in grains.
    /// </summary>
    Task<IReadOnlyList<string>> FindStalledOriginsAsync(TimeSpan silentFor, CancellationToken cancellationToken);
}

/// <summary>The embedded mode's ledger: an in-memory log dies with the process, so there is nothing to replay.</summary>
public sealed class NoDispatchLedger : IDispatchLedger
{
    public string? Origin => null;

    public Task<long> ReadCheckpointAsync(string origin, CancellationToken cancellationToken) => Task.FromResult(0L);

    public Task WriteCheckpointAsync(string origin, long position, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<long> LastPositionAsync(string origin, CancellationToken cancellationToken) => Task.FromResult(0L);

    public Task<IReadOnlyList<IngestEvent>> ReadAsync(string origin, long after, long through, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IngestEvent>>([]);

    public Task<IReadOnlyList<string>> FindStalledOriginsAsync(TimeSpan silentFor, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);
}
