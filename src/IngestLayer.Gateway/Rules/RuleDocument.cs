using IngestLayer.Contracts;

namespace IngestLayer.Gateway.Rules;

/// <summary>A rule as the ops API shows it: the stored definition, with the cooldown in the form it is written in.</summary>
public sealed record RuleDocument(
    string Id,
    string Kind,
    RuleParameters Parameters,
    string Severity,
    string Cooldown,
    string? Destination,
    bool Enabled,
    int Version,
    DateTimeOffset? UpdatedAt)
{
    public static RuleDocument From(RuleDefinition rule) => new(
        rule.Id, rule.Kind, rule.Parameters, rule.Severity, Durations.Format(rule.Cooldown), rule.Destination, rule.Enabled, rule.Version, rule.UpdatedAt);
}

/// <summary>A workspace's rules; <see cref="Default"/> while it runs on the set seeded from configuration.</summary>
public sealed record RuleListResponse(string Workspace, bool Default, IReadOnlyList<RuleDocument> Rules);

/// <summary>One problem with a rule document: the field (<c>parameters.factor</c>) and what is wrong with it.</summary>
public sealed record DocumentFieldError(string Field, string Error);
