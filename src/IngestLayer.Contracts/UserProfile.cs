namespace IngestLayer.Contracts;

/// <summary>Who a user is, as a pipeline's <c>enrich: user</c> step attaches it: identity and traits, no counters.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.UserProfile")]
public sealed record UserProfile(
    [property: Id(0)] string UserId,
    [property: Id(1)] string? Email,
    [property: Id(2)] string? Name,
    [property: Id(3)] IReadOnlyDictionary<string, string> Traits);
