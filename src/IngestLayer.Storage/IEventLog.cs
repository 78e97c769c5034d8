using IngestLayer.Contracts;

namespace IngestLayer.Storage;

/// <summary>
/// The append-only log of every accepted event: the source of truth grains fold over, and the warehouse.
/// </summary>
public interface IEventLog
{
    /// <summary>
    /// Stores the events and returns those newly stored, in the order given, with their positions. An
    /// event whose (workspace, source, message id) is already in the log — or earlier in the same call —
    /// is not stored again and not returned. Completes only once the events are as durable as this log
    /// gets. Throws <see cref="StorageUnavailableException"/> when the store cannot take the write.
    /// </summary>
    ValueTask<IReadOnlyList<IngestEvent>> AppendAsync(IReadOnlyList<IngestEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// Stored events with a position after <paramref name="afterPosition"/>, in position order, at most
    /// <paramref name="max"/>; only those appended by host <paramref name="ingestedBy"/> when it is not null
    /// (to redispatch what a host acknowledged before it died). A log that keeps no event bodies returns none.
    /// </summary>
    IAsyncEnumerable<IngestEvent> ReadAsync(long afterPosition, string? ingestedBy, int max, CancellationToken cancellationToken);
}
