namespace IngestLayer.Contracts;

/// <summary>
/// A user's product activity, pre-aggregated by the gateway for events that already name their account
/// (and so need no answer from the user grain): counts per (event name, feature, minute), the accounts
/// named in order, and the time span. Handing a user many events as one aggregate keeps grain calls
/// per user per second, not per request; minute buckets keep every window exact.
/// </summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.UserActivity")]
public sealed record UserActivity(
    [property: Id(0)] UsageCount[] Usage,
    [property: Id(1)] string[] Accounts,
    [property: Id(2)] DateTimeOffset FirstSeen,
    [property: Id(3)] DateTimeOffset LastSeen,
    [property: Id(4)] int Events);

/// <summary>How often an event (and how many uses of its feature) happened in one minute.</summary>
/// <param name="Name">Event name.</param>
/// <param name="Feature">The <c>feature</c> property, if any.</param>
/// <param name="Minute">Unix minute of the event time.</param>
/// <param name="Events">Occurrences of the event.</param>
/// <param name="Uses">Sum of the events' <c>count</c> (feature uses).</param>
[GenerateSerializer, Immutable, Alias("IngestLayer.UsageCount")]
public readonly record struct UsageCount(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Feature,
    [property: Id(2)] long Minute,
    [property: Id(3)] int Events,
    [property: Id(4)] int Uses);
