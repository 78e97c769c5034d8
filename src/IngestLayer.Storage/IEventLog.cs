using IngestLayer.Contracts;

namespace IngestLayer.Storage;

/// <summary>
/// The append-only log of every accepted event: the source of truth grains fold over, and the warehouse.
/// </summary>
public interface IEventLog
{
    /// <summary>
    /// Stores the events and returns those newly stored, with their positions. An event whose
    /// (source, message id) is already in the log is not stored again and not returned.
    /// Completes only once the events are as durable as this log gets.
    /// </summary>
    ValueTask<IReadOnlyList<IngestEvent>> AppendAsync(IReadOnlyList<IngestEvent> events, CancellationToken cancellationToken);
}
