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

    /// <summary>Completes when there may be new work, or when <paramref name="timeout"/> passes.</summary>
    Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
