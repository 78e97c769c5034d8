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

    /// <summary>
    /// The stored events live dispatch attributed to account <paramref name="accountId"/> of
    /// <paramref name="workspace"/>, in position order, with the host that appended each: those naming the account,
    /// and the account-less activity of its users that resolved to it (see <see cref="AccountAttribution"/>). All of
    /// it is read from one snapshot of the log, so for each host the events returned are every one that host stored
    /// up to the last returned. A log that keeps no event bodies returns none.
    /// </summary>
    IAsyncEnumerable<StoredEvent> ReadAccountAsync(string workspace, string accountId, CancellationToken cancellationToken);

    /// <summary>
    /// The accounts stored events of <paramref name="workspace"/> name, in the store's order of account ids, after
    /// <paramref name="afterAccountId"/> (null: from the first), at most <paramref name="max"/>; page on by the last.
    /// A log that keeps no event bodies returns none.
    /// </summary>
    Task<IReadOnlyList<string>> ReadAccountIdsAsync(string workspace, string? afterAccountId, int max, CancellationToken cancellationToken);

    /// <summary>
    /// The newest <paramref name="max"/> stored events of <paramref name="workspace"/>, in position order (a pipeline
    /// test over recent traffic). A log that keeps no event bodies returns none.
    /// </summary>
    Task<IReadOnlyList<IngestEvent>> ReadLatestAsync(string workspace, int max, CancellationToken cancellationToken);
}
