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

/// <summary>How a rule write ended.</summary>
[GenerateSerializer, Alias("IngestLayer.RuleSaveOutcome")]
public enum RuleSaveOutcome
{
    Saved = 0,
    /// <summary>A create named a rule that exists.</summary>
    AlreadyExists = 1,
    /// <summary>A replace or delete named a rule that does not exist.</summary>
    NotFound = 2,
    /// <summary>The caller expected another version (someone else changed the rule meanwhile).</summary>
    VersionMismatch = 3,
}

/// <summary>The outcome of a rule write, with the rule as stored (or as found, on a mismatch).</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.RuleSaveResult")]
public sealed record RuleSaveResult(
    [property: Id(0)] RuleSaveOutcome Outcome,
    [property: Id(1)] RuleDefinition? Rule);

/// <summary>How a rule write treats an existing rule of the same id.</summary>
[GenerateSerializer, Alias("IngestLayer.RuleWriteMode")]
public enum RuleWriteMode
{
    /// <summary>The rule must not exist (POST).</summary>
    Create = 0,
    /// <summary>The rule must exist (PUT); with an expected version, it must be that version.</summary>
    Replace = 1,
}
