using IngestLayer.Contracts;

namespace IngestLayer.Storage;

/// <summary>
/// Told of newly stored events in log order, by the log itself, before their appenders are answered.
/// The dispatcher is one: taking events from the log rather than from the requests keeps each key's
/// events in position order even when two requests' answers race, which grains' idempotency relies on.
/// </summary>
public interface IEventLogObserver
{
    /// <summary>Called with each group of newly stored events, one call at a time, in log order; must not block.</summary>
    void OnStored(IReadOnlyList<IngestEvent> events);
}
