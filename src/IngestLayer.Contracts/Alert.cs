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

    // A pipeline's deliveries travel through the outbox as alerts too (same retries, rate limits, statuses, ops
    // API); for them Signal is "pipeline", Rule the pipeline id, and the fields below say what to send where.

    /// <summary>Who delivers it: <see cref="PipelineDestinationTypes.Slack"/> (every rule alert) or <see cref="PipelineDestinationTypes.Webhook"/>.</summary>
    [Id(17)] public string Destination { get; init; } = PipelineDestinationTypes.Slack;
    /// <summary>A pipeline's destination id within the pipeline (its webhook secret is looked up by it at send time).</summary>
    [Id(18)] public string? DestinationId { get; init; }
    /// <summary>A pipeline's Slack message rendered from its template (mrkdwn); null for the default rendering.</summary>
    [Id(19)] public string? Text { get; init; }
    /// <summary>Webhook: where the body is posted.</summary>
    [Id(20)] public string? WebhookUrl { get; init; }
    /// <summary>Webhook: the JSON body, already rendered.</summary>
    [Id(21)] public string? Body { get; init; }
    /// <summary>A pipeline's Slack throttle: messages per minute before the rest of the minute goes out as one digest.</summary>
    [Id(22)] public int? ThrottlePerMinute { get; init; }
}

/// <summary>Values of <see cref="Alert.Signal"/> that are not rule kinds.</summary>
public static class AlertSignals
{
    /// <summary>A pipeline's delivery of one event.</summary>
    public const string Pipeline = "pipeline";
}

/// <summary>One number behind an alert ("csv.export uses, last 24h" = "3").</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.EvidenceItem")]
public sealed record EvidenceItem([property: Id(0)] string Label, [property: Id(1)] string Value);
