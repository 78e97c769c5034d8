using IngestLayer.Contracts;

namespace IngestLayer.Storage;

/// <summary>The embedded mode's rule store: every version in memory, gone on restart like the rest of embedded state.</summary>
public sealed class MemoryRuleStore : IRuleStore
{
    // Per workspace and rule id, the latest version and whether that version is a deletion.
    private readonly Dictionary<string, SortedDictionary<string, (RuleDefinition Rule, bool Deleted)>> _workspaces = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ValueTask<IReadOnlyList<RuleDefinition>?> ListAsync(string workspace, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<RuleDefinition>? rules = _workspaces.TryGetValue(workspace, out var byId)
                ? [.. byId.Values.Where(r => !r.Deleted).Select(r => r.Rule)]
                : null;
            return ValueTask.FromResult(rules);
        }
    }

    public ValueTask<RuleSaveResult> SaveAsync(string workspace, RuleDefinition rule, RuleWriteMode mode, int? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // A refused write leaves a workspace that never stored a rule on the default set.
            _workspaces.TryGetValue(workspace, out var byId);
            (RuleDefinition Rule, bool Deleted) latest = default;
            var found = byId?.TryGetValue(rule.Id, out latest) == true;
            var live = found && !latest.Deleted ? latest.Rule : null;
            if (RuleWriteChecks.Refuse(live, mode, expectedVersion) is { } refused)
            {
                return ValueTask.FromResult(refused);
            }

            var stored = rule with { Version = (found ? latest.Rule!.Version : 0) + 1, UpdatedAt = now };
            Workspace(workspace)[rule.Id] = (stored, false);
            return ValueTask.FromResult(new RuleSaveResult(RuleSaveOutcome.Saved, stored));
        }
    }

    public ValueTask<RuleSaveResult> DeleteAsync(string workspace, string ruleId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_workspaces.TryGetValue(workspace, out var byId) || !byId.TryGetValue(ruleId, out var latest) || latest.Deleted)
            {
                return ValueTask.FromResult(new RuleSaveResult(RuleSaveOutcome.NotFound, null));
            }

            var deleted = latest.Rule with { Version = latest.Rule.Version + 1, UpdatedAt = now };
            byId[ruleId] = (deleted, true);
            return ValueTask.FromResult(new RuleSaveResult(RuleSaveOutcome.Saved, deleted));
        }
    }

    private SortedDictionary<string, (RuleDefinition Rule, bool Deleted)> Workspace(string workspace)
    {
        if (!_workspaces.TryGetValue(workspace, out var byId))
        {
            _workspaces[workspace] = byId = new(StringComparer.Ordinal);
        }

        return byId;
    }
}

/// <summary>The write preconditions both stores apply, in one place so they cannot drift apart.</summary>
public static class RuleWriteChecks
{
    /// <summary>The refusal for a write against the current live rule (null if none), or null when the write may go ahead.</summary>
    public static RuleSaveResult? Refuse(RuleDefinition? live, RuleWriteMode mode, int? expectedVersion) => mode switch
    {
        RuleWriteMode.Create when live is not null => new(RuleSaveOutcome.AlreadyExists, live),
        RuleWriteMode.Replace when live is null => new(RuleSaveOutcome.NotFound, null),
        RuleWriteMode.Replace when expectedVersion is { } expected && expected != live!.Version => new(RuleSaveOutcome.VersionMismatch, live),
        _ => null,
    };
}
