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

    // The entries a worker may claim (pending or retrying), per destination, in the order they were enqueued: a claim
    // reads these, not the whole history, which holds up to AlertHistoryCapacity delivered entries.
    private readonly Dictionary<string, SortedSet<(long Sequence, string Id)>> _due = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _sequence = [];
    private long _enqueued;

    // Held alerts: when each was held, and the digest it was bound to once one is opened.
    private readonly Dictionary<string, DateTimeOffset> _heldAt = [];
    private readonly Dictionary<string, OwnerDigestKey> _digestOf = [];
    private readonly Dictionary<OwnerDigestKey, DigestRecord> _digests = [];
    private readonly Queue<OwnerDigestKey> _finishedDigests = new();
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
            _sequence[alert.AlertId] = ++_enqueued;
            Put(alert.AlertId, new OutboxEntry { Alert = alert, Status = status, Channel = alert.Channel, EnqueuedAt = now, NextAttemptAt = now });
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
            if (!_due.TryGetValue(destination, out var due))
            {
                return ValueTask.FromResult<IReadOnlyList<OutboxEntry>>(claimed);
            }

            // Oldest first, so alerts go out in the order they fired.
            foreach (var (_, id) in due)
            {
                var entry = _entries[id];
                if (entry.NextAttemptAt > now || (_leases.TryGetValue(id, out var until) && until > now))
                {
                    continue;
                }

                _leases[id] = now + lease;
                claimed.Add(entry);
                if (claimed.Count == max)
                {
                    break;
                }
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
                Put(alertId, entry with
                {
                    Status = outcome.Status,
                    Attempts = entry.Attempts + 1,
                    Channel = outcome.Channel ?? entry.Channel,
                    NextAttemptAt = outcome.NextAttemptAt ?? now,
                    DeliveredAt = outcome.Status is AlertDeliveryStatus.Sent or AlertDeliveryStatus.DevInbox ? now : entry.DeliveredAt,
                    SlackTs = outcome.SlackTs ?? entry.SlackTs,
                    Error = outcome.Error,
                    Hint = outcome.Hint,
                });
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
            _heldAt.Remove(alertId);
            _digestOf.Remove(alertId);
            Put(alertId, entry with { Status = AlertDeliveryStatus.Pending, Attempts = 0, NextAttemptAt = time.GetUtcNow() });
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

    public ValueTask HoldForDigestAsync(string alertId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _leases.Remove(alertId);
            if (_entries.TryGetValue(alertId, out var entry) && entry.Status is AlertDeliveryStatus.Pending or AlertDeliveryStatus.Retrying)
            {
                Put(alertId, entry with { Status = AlertDeliveryStatus.HeldForDigest });
                _heldAt[alertId] = now;
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<WorkspaceOwner>> ListHeldOwnersAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<WorkspaceOwner> owners = [.. _heldAt.Keys
                .Where(id => !_digestOf.ContainsKey(id) && _entries[id].Status == AlertDeliveryStatus.HeldForDigest)
                .Select(id => _entries[id].Alert)
                .Select(a => new WorkspaceOwner(a.Workspace, a.Owner ?? ""))
                .Distinct()];
            return ValueTask.FromResult(owners);
        }
    }

    public ValueTask<int> ReleaseHeldAsync(WorkspaceOwner owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int released;
        lock (_gate)
        {
            var ids = UnboundHeld(owner, before: null);
            foreach (var id in ids)
            {
                _heldAt.Remove(id);
                Put(id, _entries[id] with { Status = AlertDeliveryStatus.Pending, NextAttemptAt = now });
            }

            released = ids.Count;
        }

        if (released > 0)
        {
            _signal.Release();
        }

        return ValueTask.FromResult(released);
    }

    public ValueTask<OwnerDigest?> OpenDigestAsync(OwnerDigestKey key, DateTimeOffset dueAt, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var ids = _digests.ContainsKey(key) ? [] : UnboundHeld(new WorkspaceOwner(key.Workspace, key.Owner), before: dueAt);
            if (ids.Count == 0)
            {
                return ValueTask.FromResult<OwnerDigest?>(null);
            }

            foreach (var id in ids)
            {
                _digestOf[id] = key;
            }

            var record = new DigestRecord(dueAt, ids) { LeaseUntil = now + lease, NextAttemptAt = now };
            _digests[key] = record;
            return ValueTask.FromResult<OwnerDigest?>(ToDigest(key, record));
        }
    }

    public ValueTask<IReadOnlyList<OwnerDigest>> ClaimDueDigestsAsync(int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var due = _digests
                .Where(d => d.Value.Status is AlertDeliveryStatus.Pending or AlertDeliveryStatus.Retrying
                    && d.Value.NextAttemptAt <= now && (d.Value.LeaseUntil is null || d.Value.LeaseUntil <= now))
                .OrderBy(d => d.Value.NextAttemptAt)
                .Take(max)
                .ToList();
            IReadOnlyList<OwnerDigest> claimed = [.. due.Select(d =>
            {
                d.Value.LeaseUntil = now + lease;
                return ToDigest(d.Key, d.Value);
            })];
            return ValueTask.FromResult(claimed);
        }
    }

    public ValueTask CompleteDigestAsync(OwnerDigestKey key, DeliveryOutcome outcome, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_digests.TryGetValue(key, out var record))
            {
                return ValueTask.CompletedTask;
            }

            var now = time.GetUtcNow();
            record.Status = outcome.Status;
            record.Attempts++;
            record.NextAttemptAt = outcome.NextAttemptAt ?? now;
            record.LeaseUntil = null;
            foreach (var id in record.AlertIds)
            {
                // An alert requeued by an operator meanwhile has left the digest.
                if (!_entries.TryGetValue(id, out var entry) || !_digestOf.TryGetValue(id, out var boundTo) || boundTo != key)
                {
                    continue;
                }

                var status = outcome.Status switch
                {
                    AlertDeliveryStatus.Sent => AlertDeliveryStatus.Digested,
                    AlertDeliveryStatus.Retrying or AlertDeliveryStatus.Pending => AlertDeliveryStatus.HeldForDigest,
                    _ => outcome.Status,
                };
                Put(id, entry with
                {
                    Status = status,
                    Attempts = entry.Attempts + 1,
                    Channel = outcome.Channel ?? entry.Channel,
                    DeliveredAt = status is AlertDeliveryStatus.Digested or AlertDeliveryStatus.DevInbox ? now : entry.DeliveredAt,
                    SlackTs = outcome.SlackTs ?? entry.SlackTs,
                    Error = outcome.Error,
                    Hint = outcome.Hint,
                });
            }

            if (record.Status is not (AlertDeliveryStatus.Pending or AlertDeliveryStatus.Retrying))
            {
                // Finished digests are kept (bounded) only so their keys are not opened twice.
                _finishedDigests.Enqueue(key);
                while (_finishedDigests.Count > _historyCapacity)
                {
                    _digests.Remove(_finishedDigests.Dequeue());
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _signal.WaitAsync(timeout, cancellationToken);
    }

    // Oldest first, as they fired. Called under the gate.
    private List<string> UnboundHeld(WorkspaceOwner owner, DateTimeOffset? before)
    {
        var ids = new List<string>();
        for (var node = _order.Last; node is not null; node = node.Previous)
        {
            if (_heldAt.TryGetValue(node.Value, out var heldAt) && !_digestOf.ContainsKey(node.Value)
                && (before is null || heldAt < before)
                && _entries[node.Value] is { Status: AlertDeliveryStatus.HeldForDigest, Alert: var alert }
                && alert.Workspace == owner.Workspace && (alert.Owner ?? "") == owner.Owner)
            {
                ids.Add(node.Value);
            }
        }

        return ids;
    }

    // Called under the gate.
    private OwnerDigest ToDigest(OwnerDigestKey key, DigestRecord record) =>
        new(key, record.DueAt, record.Attempts, [.. record.AlertIds.Where(id => _digestOf.TryGetValue(id, out var k) && k == key).Select(id => _entries[id])]);

    // Every change of an entry goes through here, so the due index follows its status. Called under the gate.
    private void Put(string id, OutboxEntry entry)
    {
        _entries[id] = entry;
        var key = (_sequence[id], id);
        if (!_due.TryGetValue(entry.Alert.Destination, out var due))
        {
            _due[entry.Alert.Destination] = due = [];
        }

        if (entry.Status is AlertDeliveryStatus.Pending or AlertDeliveryStatus.Retrying)
        {
            due.Add(key);
        }
        else
        {
            due.Remove(key);
        }
    }

    // Drops the oldest finished entries beyond the history capacity; unfinished ones are never dropped.
    private void TrimHistory()
    {
        var node = _order.Last;
        while (_order.Count > _historyCapacity && node is not null)
        {
            var previous = node.Previous;
            if (_entries[node.Value].Status is AlertDeliveryStatus.Sent or AlertDeliveryStatus.Failed or AlertDeliveryStatus.DevInbox
                or AlertDeliveryStatus.Snoozed or AlertDeliveryStatus.Digested)
            {
                _entries.Remove(node.Value);
                _sequence.Remove(node.Value);
                _heldAt.Remove(node.Value);
                _digestOf.Remove(node.Value);
                _order.Remove(node);
            }

            node = previous;
        }
    }

    private sealed class DigestRecord(DateTimeOffset dueAt, IReadOnlyList<string> alertIds)
    {
        public DateTimeOffset DueAt { get; } = dueAt;
        public IReadOnlyList<string> AlertIds { get; } = alertIds;
        public AlertDeliveryStatus Status { get; set; } = AlertDeliveryStatus.Pending;
        public int Attempts { get; set; }
        public DateTimeOffset NextAttemptAt { get; set; }
        public DateTimeOffset? LeaseUntil { get; set; }
    }
}
