using IngestLayer.Contracts;

namespace IngestLayer.Storage;

/// <summary>
/// The rules part of the config store: per workspace, every version of every rule, the latest one current.
/// A delete is a new version marked deleted, so history stays and a re-created rule continues its numbering.
/// </summary>
public interface IRuleStore
{
    /// <summary>
    /// The workspace's live rules (latest version of each, deleted ones left out), ordered by id; null when the
    /// workspace has never stored a rule, which is what makes it run on the default set.
    /// </summary>
    ValueTask<IReadOnlyList<RuleDefinition>?> ListAsync(string workspace, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="rule"/> as the next version of its id (1 for a new id, one past the latest,
    /// deleted or not, otherwise), stamped <paramref name="now"/>. <see cref="RuleWriteMode.Create"/> refuses a live
    /// rule of that id; <see cref="RuleWriteMode.Replace"/> refuses a missing one and, given
    /// <paramref name="expectedVersion"/>, any other current version. Two writers racing on one version: one wins,
    /// the other gets <see cref="RuleSaveOutcome.VersionMismatch"/>.
    /// </summary>
    ValueTask<RuleSaveResult> SaveAsync(string workspace, RuleDefinition rule, RuleWriteMode mode, int? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks the rule deleted (a new version); <see cref="RuleSaveOutcome.NotFound"/> when it is not live.</summary>
    ValueTask<RuleSaveResult> DeleteAsync(string workspace, string ruleId, DateTimeOffset now, CancellationToken cancellationToken);
}
