namespace IngestLayer.Contracts;

/// <summary>One row of the book of business: who owns an account and where they want its alerts.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.OwnerAssignment")]
public sealed record OwnerAssignment(
    [property: Id(0)] string Owner,
    [property: Id(1)] string? SlackChannel);
