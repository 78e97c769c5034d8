namespace IngestLayer.Contracts;

/// <summary>
/// A signal that fired for an account, with the evidence that made it fire. Its <see cref="AlertId"/>
/// is deterministic (workspace, account, signal, firing window), so replaying events never sends it twice.
/// </summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.Alert")]
public sealed record Alert
{
    [Id(0)] public string AlertId { get; init; } = "";
    [Id(1)] public string Workspace { get; init; } = "";
    [Id(2)] public string AccountId { get; init; } = "";
    [Id(3)] public string? AccountName { get; init; }
    /// <summary>Signal kind, e.g. <c>paid_feature_on_free_plan</c> or <c>payment_failed</c>.</summary>
    [Id(4)] public string Signal { get; init; } = "";
    /// <summary><c>expansion</c> or <c>risk</c>.</summary>
    [Id(5)] public string Category { get; init; } = "";
    /// <summary><c>info</c>, <c>warning</c> or <c>critical</c>.</summary>
    [Id(6)] public string Severity { get; init; } = "";
    [Id(7)] public string Title { get; init; } = "";
    /// <summary>One line saying why, in words an account owner reads at a glance.</summary>
    [Id(8)] public string Explanation { get; init; } = "";
    [Id(9)] public string? Plan { get; init; }
    [Id(10)] public string? Owner { get; init; }
    /// <summary>The owner's channel, or null to use the configured default channel.</summary>
    [Id(11)] public string? Channel { get; init; }
    /// <summary>The feature or event the signal is about.</summary>
    [Id(12)] public string? Subject { get; init; }
    /// <summary>The numbers behind the alert, as label/value pairs in display order.</summary>
    [Id(13)] public IReadOnlyList<EvidenceItem> Evidence { get; init; } = [];
    [Id(14)] public DateTimeOffset FiredAt { get; init; }
    /// <summary>The id of the rule that fired (for the default rules, the same as <see cref="Signal"/>).</summary>
    [Id(15)] public string? Rule { get; init; }
    /// <summary>Set when the account (or this rule on it) was snoozed: the alert is recorded, not sent.</summary>
    [Id(16)] public DateTimeOffset? SnoozedUntil { get; init; }
}

/// <summary>One number behind an alert ("csv.export uses, last 24h" = "3").</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.EvidenceItem")]
public sealed record EvidenceItem([property: Id(0)] string Label, [property: Id(1)] string Value);
