namespace IngestLayer.Contracts;

/// <summary>An account's health, 0–100: the sum of its components' points.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.HealthSnapshot")]
public sealed record HealthSnapshot(
    [property: Id(0)] int Score,
    [property: Id(1)] IReadOnlyList<HealthComponent> Components);

/// <summary>One part of the health score: its name, the points it gave out of its maximum, and why.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.HealthComponent")]
public sealed record HealthComponent(
    [property: Id(0)] string Name,
    [property: Id(1)] int Points,
    [property: Id(2)] int Max,
    [property: Id(3)] string Detail);
