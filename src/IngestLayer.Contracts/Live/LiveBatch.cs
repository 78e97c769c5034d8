namespace IngestLayer.Contracts.Live;

/// <summary>
/// What an account grain publishes on the live streams after one applied batch (or one scheduled evaluation that
/// fired): the account as the batch left it, the batch's events and the alerts it raised. One item per batch keeps
/// the cost per batch, not per event.
/// </summary>
/// <param name="Account">The account, as of the end of the batch.</param>
/// <param name="Events">The batch's events, at most <see cref="LiveStreams.MaxEventsPerBatch"/>.</param>
/// <param name="OmittedEvents">Events of the batch left out past that cap (a view, not a log: they are in the event log).</param>
/// <param name="Alerts">Alerts the batch raised.</param>
[GenerateSerializer, Immutable, Alias("IngestLayer.LiveBatch")]
public sealed record LiveBatch(
    [property: Id(0)] LiveAccount Account,
    [property: Id(1)] IReadOnlyList<LiveEvent> Events,
    [property: Id(2)] int OmittedEvents,
    [property: Id(3)] IReadOnlyList<LiveAlert> Alerts);
