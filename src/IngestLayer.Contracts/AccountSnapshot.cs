namespace IngestLayer.Contracts;

/// <summary>An account grain's live state as the ops API shows it.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.AccountSnapshot")]
public sealed record AccountSnapshot
{
    [Id(0)] public string Workspace { get; init; } = "";
    [Id(1)] public string AccountId { get; init; } = "";
    [Id(2)] public AccountProfile Profile { get; init; } = new();
    [Id(3)] public BillingSnapshot Billing { get; init; } = new();
    /// <summary>Counts per feature key (the <c>feature</c> property of <c>feature.used</c>).</summary>
    [Id(4)] public IReadOnlyDictionary<string, WindowCounts> Features { get; init; } = new Dictionary<string, WindowCounts>();
    /// <summary>Counts per event name.</summary>
    [Id(5)] public IReadOnlyDictionary<string, WindowCounts> Events { get; init; } = new Dictionary<string, WindowCounts>();
    [Id(6)] public ActiveUserCounts ActiveUsers { get; init; } = new(0, 0, 0);
    /// <summary>Users known to belong to the account (group calls and attributed events).</summary>
    [Id(7)] public int Members { get; init; }
    [Id(8)] public DateTimeOffset? FirstSeen { get; init; }
    [Id(9)] public DateTimeOffset? LastSeen { get; init; }
    [Id(10)] public long EventsApplied { get; init; }
    [Id(11)] public IReadOnlyList<AlertSummary> RecentAlerts { get; init; } = [];
    /// <summary>The instant the windows above were computed for.</summary>
    [Id(12)] public DateTimeOffset AsOf { get; init; }
    /// <summary>Active snoozes: rule id (or <c>*</c> for every rule) and until when.</summary>
    [Id(13)] public IReadOnlyDictionary<string, DateTimeOffset> Snoozes { get; init; } = new Dictionary<string, DateTimeOffset>();
    /// <summary>The health score and its components, as of <see cref="AsOf"/>.</summary>
    [Id(14)] public HealthSnapshot? Health { get; init; }
}

/// <summary>Who the account is and who owns it.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.AccountProfile")]
public sealed record AccountProfile
{
    [Id(0)] public string? Name { get; init; }
    [Id(1)] public string? Plan { get; init; }
    [Id(2)] public string? Owner { get; init; }
    [Id(3)] public string? SlackChannel { get; init; }
    /// <summary>All string-valued traits from group calls.</summary>
    [Id(4)] public IReadOnlyDictionary<string, string> Traits { get; init; } = new Dictionary<string, string>();
}

/// <summary>Billing state as told by billing events.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.BillingSnapshot")]
public sealed record BillingSnapshot
{
    /// <summary><c>ok</c>, <c>payment_failed</c>, <c>limit_hit</c> or <c>cancelled</c>.</summary>
    [Id(0)] public string Status { get; init; } = BillingStatus.Ok;
    [Id(1)] public DateTimeOffset? LastPaymentFailedAt { get; init; }
    [Id(2)] public DateTimeOffset? LastPaidAt { get; init; }
    [Id(3)] public DateTimeOffset? LastLimitHitAt { get; init; }
    [Id(4)] public DateTimeOffset? CancelledAt { get; init; }
}

/// <summary>Values of <see cref="BillingSnapshot.Status"/>.</summary>
public static class BillingStatus
{
    public const string Ok = "ok";
    public const string PaymentFailed = "payment_failed";
    public const string LimitHit = "limit_hit";
    public const string Cancelled = "cancelled";
}

/// <summary>
/// An alert as the account remembers it; its delivery status lives in the outbox. <see cref="AcknowledgedBy"/> and
/// <see cref="AcknowledgedAt"/> say who acknowledged it (the Slack button) and when.
/// </summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.AlertSummary")]
public sealed record AlertSummary(
    [property: Id(0)] string AlertId,
    [property: Id(1)] string Signal,
    [property: Id(2)] DateTimeOffset FiredAt,
    [property: Id(3)] string Explanation,
    [property: Id(4)] string? AcknowledgedBy = null,
    [property: Id(5)] DateTimeOffset? AcknowledgedAt = null);
