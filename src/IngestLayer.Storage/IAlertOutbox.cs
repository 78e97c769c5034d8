using IngestLayer.Contracts;

namespace IngestLayer.Storage;

/// <summary>
/// Alerts waiting to be delivered, and the record of how delivery went. Grains enqueue; the delivery
/// worker claims due entries, attempts them and records the outcome.
/// </summary>
public interface IAlertOutbox
{
    /// <summary>Adds the alert unless one with the same id exists; returns whether it was added.</summary>
    ValueTask<bool> EnqueueAsync(Alert alert, CancellationToken cancellationToken);

    /// <summary>
    /// Takes up to <paramref name="max"/> entries for <paramref name="destination"/> (<c>slack</c> or <c>webhook</c>:
    /// each has its own worker) that are due at <paramref name="now"/>, leasing them for <paramref name="lease"/> so
    /// no other worker attempts them meanwhile.
    /// </summary>
    ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken, string destination = PipelineDestinationTypes.Slack);

    /// <summary>Records how an attempt ended.</summary>
    ValueTask CompleteAttemptAsync(string alertId, DeliveryOutcome outcome, CancellationToken cancellationToken);

    /// <summary>
    /// Puts a failed alert back to pending, due now, with its attempt count reset (an operator fixed the
    /// cause, e.g. invited the bot to the channel). Only failed alerts: anything else is still on its way or done.
    /// </summary>
    ValueTask<RequeueResult> RequeueAsync(string alertId, CancellationToken cancellationToken);

    /// <summary>How many entries of <paramref name="rule"/> (a rule or pipeline id) in <paramref name="workspace"/> are in each status.</summary>
    ValueTask<IReadOnlyDictionary<AlertDeliveryStatus, long>> CountByStatusAsync(string workspace, string rule, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    ValueTask<IReadOnlyList<OutboxEntry>> QueryAsync(AlertQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps a claimed alert back for its owner's daily digest (status <see cref="AlertDeliveryStatus.HeldForDigest"/>,
    /// held at <paramref name="now"/>) and releases its lease. Not an attempt: its attempt count stays.
    /// </summary>
    ValueTask HoldForDigestAsync(string alertId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The owners with held alerts not yet in a digest.</summary>
    ValueTask<IReadOnlyList<WorkspaceOwner>> ListHeldOwnersAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Puts the owner's held alerts that are in no digest back to pending, due now (the owner went back to live
    /// alerts); returns how many.
    /// </summary>
    ValueTask<int> ReleaseHeldAsync(WorkspaceOwner owner, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Opens the digest <paramref name="key"/>, atomically: if no digest has that key and the owner has alerts held
    /// before <paramref name="dueAt"/> that are in no digest, records the digest, binds those alerts to it and
    /// returns it leased to the caller for <paramref name="lease"/>. Otherwise (already opened, here or by another
    /// host, or nothing held) returns null.
    /// </summary>
    ValueTask<OwnerDigest?> OpenDigestAsync(OwnerDigestKey key, DateTimeOffset dueAt, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Takes digests whose earlier attempt is due again (or whose worker's lease ran out), leasing them.</summary>
    ValueTask<IReadOnlyList<OwnerDigest>> ClaimDueDigestsAsync(int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Records how a digest attempt ended, on the digest and on each of its alerts: sent makes them
    /// <see cref="AlertDeliveryStatus.Digested"/> with the message's ts; failed, failed with the reason; retrying
    /// keeps them held (with the error) while the digest waits for its next attempt.
    /// </summary>
    ValueTask CompleteDigestAsync(OwnerDigestKey key, DeliveryOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Completes when there may be new work, or when <paramref name="timeout"/> passes.</summary>
    Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
