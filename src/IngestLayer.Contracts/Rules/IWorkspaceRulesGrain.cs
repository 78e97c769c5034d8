namespace IngestLayer.Contracts;

/// <summary>
/// A workspace's rules, keyed by <see cref="GrainKeys.Rules"/>: the one writer per workspace (so version
/// numbers never race) and the source account grains refresh their cached copy from.
/// </summary>
[Alias("IngestLayer.IWorkspaceRulesGrain")]
public interface IWorkspaceRulesGrain : IGrainWithStringKey
{
    /// <summary>The current rules: the stored ones, else the default set.</summary>
    Task<RuleSet> GetAsync();

    /// <summary>Stores a new version of <paramref name="rule"/> (its <see cref="RuleDefinition.Version"/> is ignored).</summary>
    Task<SaveResult<RuleDefinition>> SaveAsync(RuleDefinition rule, WriteMode mode, int? expectedVersion);

    /// <summary>Deletes the rule (a new, deleted version: history stays); NotFound if there is none.</summary>
    Task<SaveResult<RuleDefinition>> DeleteAsync(string ruleId);
}
