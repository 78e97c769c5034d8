using System.Text.Json.Serialization;
using IngestLayer.Contracts;

namespace IngestLayer.Storage;

/// <summary>Where an alert is on its way to Slack.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlertDeliveryStatus>))]
public enum AlertDeliveryStatus
{
    /// <summary>Waiting for its first attempt.</summary>
    [JsonStringEnumMemberName("pending")] Pending,
    /// <summary>An attempt failed with a transient error; another is scheduled.</summary>
    [JsonStringEnumMemberName("retrying")] Retrying,
    [JsonStringEnumMemberName("sent")] Sent,
    /// <summary>A permanent error (or too many attempts); see the reason and hint.</summary>
    [JsonStringEnumMemberName("failed")] Failed,
    /// <summary>No Slack token configured: kept in the dev inbox and logged instead.</summary>
    [JsonStringEnumMemberName("dev_inbox")] DevInbox,
    /// <summary>Fired while the account (or the rule on it) was snoozed: recorded, never sent.</summary>
    [JsonStringEnumMemberName("snoozed")] Snoozed,
    /// <summary>Its owner takes a daily digest: kept back until their next digest, never sent on its own.</summary>
    [JsonStringEnumMemberName("held_for_digest")] HeldForDigest,
    /// <summary>Delivered in its owner's daily digest (<see cref="OutboxEntry.SlackTs"/> is the digest message's).</summary>
    [JsonStringEnumMemberName("digested")] Digested,
}

/// <summary>An alert with its delivery state, as the outbox holds it.</summary>
public sealed record OutboxEntry
{
    public required Alert Alert { get; init; }
    public AlertDeliveryStatus Status { get; init; } = AlertDeliveryStatus.Pending;
    public int Attempts { get; init; }
    /// <summary>The channel it went (or was going) to.</summary>
    public string? Channel { get; init; }
    public DateTimeOffset EnqueuedAt { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    /// <summary>Slack's message timestamp once sent.</summary>
    public string? SlackTs { get; init; }
    /// <summary>The last error, as Slack or the network said it.</summary>
    public string? Error { get; init; }
    /// <summary>What an operator can do about <see cref="Error"/>.</summary>
    public string? Hint { get; init; }
}

/// <summary>How one delivery attempt ended.</summary>
public sealed record DeliveryOutcome(
    AlertDeliveryStatus Status,
    string? Channel,
    DateTimeOffset? NextAttemptAt = null,
    string? SlackTs = null,
    string? Error = null,
    string? Hint = null);

/// <summary>Filters for <see cref="IAlertOutbox.QueryAsync"/>; null means any.</summary>
/// <param name="Workspace">The workspace.</param>
/// <param name="AccountId">The account.</param>
/// <param name="Signal">The rule kind (<see cref="Alert.Signal"/>).</param>
/// <param name="Status">The delivery status.</param>
/// <param name="Limit">At most this many, newest first.</param>
/// <param name="Rule">The rule id (<see cref="Alert.Rule"/>).</param>
/// <param name="Owner">The account owner at the time the alert fired.</param>
/// <param name="Since">Fired at or after.</param>
/// <param name="Until">Fired before.</param>
public sealed record AlertQuery(
    string? Workspace = null,
    string? AccountId = null,
    string? Signal = null,
    AlertDeliveryStatus? Status = null,
    int Limit = 100,
    string? Rule = null,
    string? Owner = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null)
{
    /// <summary>Whether <paramref name="alert"/> passes the filters other than the status.</summary>
    public bool Matches(Alert alert) =>
        (Workspace is null || alert.Workspace == Workspace)
        && (AccountId is null || alert.AccountId == AccountId)
        && (Signal is null || alert.Signal == Signal)
        && (Rule is null || (alert.Rule ?? alert.Signal) == Rule)
        && (Owner is null || alert.Owner == Owner)
        && (Since is null || alert.FiredAt >= Since)
        && (Until is null || alert.FiredAt < Until);
}
