using IngestLayer.Contracts;

namespace IngestLayer.Storage.Postgres;

/// <summary>
/// One <see cref="PostgresEventLog.AppendAsync"/> call waiting in the group-commit queue. It is either
/// taken by the writer or cancelled by its caller, never both: once taken, its events may be committed,
/// so the caller must see the outcome rather than walk away from events that are then never dispatched.
/// </summary>
internal sealed class PendingAppend(IReadOnlyList<IngestEvent> events)
{
    private const int Queued = 0, Taken = 1, Cancelled = 2;

    // Continuations run on the pool, not on the writer loop that completes them.
    private readonly TaskCompletionSource<IReadOnlyList<IngestEvent>> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;

    public IReadOnlyList<IngestEvent> Events { get; } = events;

    public Task<IReadOnlyList<IngestEvent>> Completion => _done.Task;

    /// <summary>The writer claims it for a group; false if the caller gave up first.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

    /// <summary>The caller gives up while it is still queued; false once the writer has it.</summary>
    public void TryCancel(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
        {
            _done.TrySetCanceled(cancellationToken);
        }
    }

    public void Complete(IReadOnlyList<IngestEvent> stored) => _done.TrySetResult(stored);

    public void Fail(Exception exception) => _done.TrySetException(exception);
}
