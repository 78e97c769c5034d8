namespace IngestLayer.Contracts.Live;

/// <summary>The account a <see cref="LiveBatch"/> belongs to: enough for a feed line and for filters on <c>account.*</c>.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.LiveAccount")]
public sealed record LiveAccount(
    [property: Id(0)] string Workspace,
    [property: Id(1)] string AccountId,
    [property: Id(2)] string? Name,
    [property: Id(3)] string? Plan,
    [property: Id(4)] string? Owner,
    [property: Id(5)] string? OwnerChannel,
    [property: Id(6)] int? Health,
    [property: Id(7)] IReadOnlyDictionary<string, string>? Traits);
