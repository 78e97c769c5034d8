namespace IngestLayer.Contracts;

/// <summary>A workspace's current rules.</summary>
/// <param name="Rules">Every rule, enabled or not, ordered by id.</param>
/// <param name="IsDefault">
/// True while the workspace has never stored a rule: the rules are the default set seeded from the
/// <c>IngestLayer:Signals</c> configuration. The first change stores that set, then applies the change.
/// </param>
[GenerateSerializer, Immutable, Alias("IngestLayer.RuleSet")]
public sealed record RuleSet(
    [property: Id(0)] IReadOnlyList<RuleDefinition> Rules,
    [property: Id(1)] bool IsDefault);
