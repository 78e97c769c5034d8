using System.Text.Json.Serialization;

namespace IngestLayer.Contracts;

/// <summary>
/// One rule of a workspace, validated: what to watch (<see cref="Kind"/> and its <see cref="Parameters"/>),
/// how loud (<see cref="Severity"/>), how often at most per account (<see cref="Cooldown"/>), and where its
/// alerts go. Stored as a JSON document per version; every change is a new <see cref="Version"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.RuleDefinition")]
public sealed record RuleDefinition : IVersionedDocument<RuleDefinition>
{
    /// <summary>Unique in the workspace; names the rule's alerts and its latch on every account.</summary>
    [Id(0)] public string Id { get; init; } = "";
    /// <summary>One of <see cref="RuleKinds"/>.</summary>
    [Id(1)] public string Kind { get; init; } = "";
    [Id(2)] public RuleParameters Parameters { get; init; } = new();
    /// <summary><c>info</c>, <c>warning</c> or <c>critical</c>.</summary>
    [Id(3)] public string Severity { get; init; } = RuleSeverities.Info;
    /// <summary>After the rule fires for an account, it stays quiet for that account this long.</summary>
    [Id(4)] public TimeSpan Cooldown { get; init; } = TimeSpan.FromHours(24);
    /// <summary>A channel for every alert of the rule; null sends each to its account owner's channel.</summary>
    [Id(5)] public string? Destination { get; init; }
    [Id(6)] public bool Enabled { get; init; } = true;
    /// <summary>1 when created, one more on every change; 0 for a rule of the default set never stored.</summary>
    [Id(7)] public int Version { get; init; }
    [Id(8)] public DateTimeOffset? UpdatedAt { get; init; }

    public RuleDefinition Stamp(string id, int version, DateTimeOffset? updatedAt) => this with { Id = id, Version = version, UpdatedAt = updatedAt };
}

/// <summary>
/// The parameters of every rule kind in one typed record (each kind reads its own; the validator refuses
/// the others), so rules cross grain calls and storage without a dynamic JSON type. A parameter a kind does
/// not read stays null and is left out of the JSON.
/// </summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.RuleParameters")]
public sealed record RuleParameters
{
    /// <summary><c>paid_feature_on_free_plan</c>: the paid feature keys.</summary>
    [Id(0), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Features { get; init; }
    /// <summary>Plans the rule applies to (<c>paid_feature_on_free_plan</c>: the free plans; <c>threshold</c>: optional).</summary>
    [Id(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Plans { get; init; }
    /// <summary>The event name counted (<c>usage_spike</c>, <c>seat_growth</c>, <c>engagement_drop</c>, <c>threshold</c>).</summary>
    [Id(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Event { get; init; }
    /// <summary>The feature key counted, instead of an event name.</summary>
    [Id(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Feature { get; init; }
    /// <summary><c>paid_feature_on_free_plan</c>: how many hours back uses count (1–48).</summary>
    [Id(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? WindowHours { get; init; }
    /// <summary>The smallest count that can fire the rule.</summary>
    [Id(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? MinCount { get; init; }
    /// <summary><c>usage_spike</c>: the 24h count must be at least this many times the daily baseline.</summary>
    [Id(6), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Factor { get; init; }
    /// <summary>Week-over-week change in percent (<c>seat_growth</c> up, <c>engagement_drop</c> down).</summary>
    [Id(7), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Percent { get; init; }
    /// <summary>The smallest previous-week value a week-over-week comparison is made on.</summary>
    [Id(8), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? MinBaseline { get; init; }
    /// <summary><c>inactivity</c>: days without any event from the account.</summary>
    [Id(9), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Days { get; init; }
    /// <summary>What is compared (<c>seat_growth</c>: <c>invites</c> or <c>active_users</c>; <c>engagement_drop</c>: <c>active_users</c> or <c>count</c>).</summary>
    [Id(10), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Metric { get; init; }
    /// <summary><c>threshold</c>: <c>1h</c>, <c>24h</c>, <c>7d</c> or <c>28d</c>.</summary>
    [Id(11), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Window { get; init; }
    /// <summary><c>threshold</c> and <c>health_score</c>: <c>&gt;=</c>, <c>&gt;</c>, <c>&lt;=</c> or <c>&lt;</c>.</summary>
    [Id(12), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Operator { get; init; }
    /// <summary><c>threshold</c>: the number the count is compared with; <c>health_score</c>: the score (0–100).</summary>
    [Id(13), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Value { get; init; }
}

/// <summary>The rule kinds.</summary>
public static class RuleKinds
{
    public const string PaidFeatureOnFreePlan = "paid_feature_on_free_plan";
    public const string UsageSpike = "usage_spike";
    public const string SeatGrowth = "seat_growth";
    public const string BillingLimitHit = "billing_limit_hit";
    public const string PaymentFailed = "payment_failed";
    public const string SubscriptionCancelled = "subscription_cancelled";
    public const string EngagementDrop = "engagement_drop";
    public const string Inactivity = "inactivity";
    public const string Threshold = "threshold";
    public const string HealthScore = "health_score";

    public static readonly IReadOnlyList<string> All =
    [
        PaidFeatureOnFreePlan, UsageSpike, SeatGrowth, BillingLimitHit, PaymentFailed, SubscriptionCancelled, EngagementDrop, Inactivity, Threshold, HealthScore,
    ];
}

/// <summary>Alert severities.</summary>
public static class RuleSeverities
{
    public const string Info = "info";
    public const string Warning = "warning";
    public const string Critical = "critical";

    public static readonly IReadOnlyList<string> All = [Info, Warning, Critical];
}
