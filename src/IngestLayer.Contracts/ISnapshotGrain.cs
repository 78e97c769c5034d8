namespace IngestLayer.Contracts;

/// <summary>A grain whose state is a snapshot of its fold over the event log.</summary>
[Alias("IngestLayer.ISnapshotGrain")]
public interface ISnapshotGrain : IGrain
{
    /// <summary>
    /// Writes the grain's state now if it changed. Durable mode's dispatch checkpoint calls it on every grain
    /// an interval's events touched, so after a crash the log is replayed only from the checkpoint on.
    /// </summary>
    Task PersistAsync();
}
