using IngestLayer.Contracts;
using Microsoft.Extensions.Options;

namespace IngestLayer.Storage;

/// <summary>The embedded mode's outbox: entries in memory, the newest delivered ones kept for the ops API.</summary>
public sealed class MemoryAlertOutbox(IOptions<EmbeddedOptions> options, TimeProvider time) : IAlertOutbox
{
    private readonly int _historyCapacity = options.Value.AlertHistoryCapacity;
    private readonly Dictionary<string, OutboxEntry> _entries = [];
    private readonly LinkedList<string> _order = new();
    private readonly Dictionary<string, DateTimeOffset> _leases = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _signal = new(0);

    public ValueTask<bool> EnqueueAsync(Alert alert, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_entries.ContainsKey(alert.AlertId))
            {
                return ValueTask.FromResult(false);
            }

            var now = time.GetUtcNow();
            var status = alert.SnoozedUntil is null ? AlertDeliveryStatus.Pending : AlertDeliveryStatus.Snoozed;
            _entries[alert.AlertId] = new OutboxEntry { Alert = alert, Status = status, Channel = alert.Channel, EnqueuedAt = now, NextAttemptAt = now };
            _order.AddFirst(alert.AlertId);
            TrimHistory();
        }

        _signal.Release();
        return ValueTask.FromResult(true);
    }

    public ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken, string destination = PipelineDestinationTypes.Slack)
    {
        var claimed = new List<OutboxEntry>();
        lock (_gate)
        {
            // Oldest first, so alerts go out in the order they fired.
            for (var node = _order.Last; node is not null && claimed.Count < max; node = node.Previous)
            {
                var entry = _entries[node.Value];
                if (entry.Status is not (AlertDeliveryStatus.Pending or AlertDeliveryStatus.Retrying) || entry.NextAttemptAt > now || entry.Alert.Destination != destination)
                {
                    continue;
                }

                if (_leases.TryGetValue(node.Value, out var until) && until > now)
                {
                    continue;
                }

                _leases[node.Value] = now + lease;
                claimed.Add(entry);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<OutboxEntry>>(claimed);
    }

    public ValueTask CompleteAttemptAsync(string alertId, DeliveryOutcome outcome, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _leases.Remove(alertId);
            if (_entries.TryGetValue(alertId, out var entry))
            {
                var now = time.GetUtcNow();
                _entries[alertId] = entry with
                {
                    Status = outcome.Status,
                    Attempts = entry.Attempts + 1,
                    Channel = outcome.Channel ?? entry.Channel,
                    NextAttemptAt = outcome.NextAttemptAt ?? now,
                    DeliveredAt = outcome.Status is AlertDeliveryStatus.Sent or AlertDeliveryStatus.DevInbox ? now : entry.DeliveredAt,
                    SlackTs = outcome.SlackTs ?? entry.SlackTs,
                    Error = outcome.Error,
                    Hint = outcome.Hint,
                };
            }
        }

        if (outcome.Status == AlertDeliveryStatus.Retrying)
        {
            _signal.Release();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<RequeueResult> RequeueAsync(string alertId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(alertId, out var entry))
            {
                return ValueTask.FromResult(RequeueResult.Unknown);
            }

            if (entry.Status != AlertDeliveryStatus.Failed)
            {
                return ValueTask.FromResult(RequeueResult.NotFailed);
            }

            _leases.Remove(alertId);
            _entries[alertId] = entry with { Status = AlertDeliveryStatus.Pending, Attempts = 0, NextAttemptAt = time.GetUtcNow() };
        }

        _signal.Release();
        return ValueTask.FromResult(RequeueResult.Requeued);
    }

    public ValueTask<IReadOnlyDictionary<AlertDeliveryStatus, long>> CountByStatusAsync(string workspace, string rule, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<AlertDeliveryStatus, long>();
        lock (_gate)
        {
            foreach (var e in _entries.Values)
            {
                if (e.Alert.Workspace == workspace && (e.Alert.Rule ?? e.Alert.Signal) == rule)
                {
                    counts[e.Status] = counts.GetValueOrDefault(e.Status) + 1;
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<AlertDeliveryStatus, long>>(counts);
    }

    public ValueTask<IReadOnlyList<OutboxEntry>> QueryAsync(AlertQuery query, CancellationToken cancellationToken)
    {
        var result = new List<OutboxEntry>();
        lock (_gate)
        {
            foreach (var id in _order)
            {
                var e = _entries[id];
                if (query.Matches(e.Alert) && (query.Status is null || e.Status == query.Status))
                {
                    result.Add(e);
                    if (result.Count >= query.Limit)
                    {
                        break;
                    }
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<OutboxEntry>>(result);
    }

    public async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _signal.WaitAsync(timeout, cancellationToken);
    }

    // Drops the oldest finished entries beyond the history capacity; unfinished ones are never dropped.
    private void TrimHistory()
    {
        var node = _order.Last;
        while (_order.Count > _historyCapacity && node is not null)
        {
            var previous = node.Previous;
            if (_entries[node.Value].Status is AlertDeliveryStatus.Sent or AlertDeliveryStatus.Failed or AlertDeliveryStatus.DevInbox or AlertDeliveryStatus.Snoozed)
            {
                _entries.Remove(node.Value);
                _order.Remove(node);
            }

            node = previous;
        }
    }
}
