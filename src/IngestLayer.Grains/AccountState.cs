using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Grains.Counters;
using IngestLayer.Grains.Signals;

namespace IngestLayer.Grains;

/// <summary>Everything an account grain knows, folded from its events.</summary>
[GenerateSerializer, Alias("IngestLayer.AccountState")]
public sealed class AccountState
{
    public const int RecentAlertCapacity = 20;
    public const int MaxTraits = 100;

    [Id(0)] public string? Name { get; set; }
    [Id(1)] public string? Plan { get; set; }
    [Id(2)] public string? Owner { get; set; }
    [Id(3)] public string? SlackChannel { get; set; }
    [Id(4)] public Dictionary<string, string> Traits { get; set; } = new(StringComparer.Ordinal);
    [Id(5)] public CounterSet Features { get; set; } = new();
    [Id(6)] public CounterSet Events { get; set; } = new();
    [Id(7)] public ActiveUserTracker ActiveUsers { get; set; } = new();
    [Id(8)] public HashSet<string> Members { get; set; } = new(StringComparer.Ordinal);
    [Id(9)] public BillingState Billing { get; set; } = new();
    [Id(10)] public Dictionary<string, SignalLatch> Latches { get; set; } = new(StringComparer.Ordinal);
    [Id(11)] public List<AlertSummary> RecentAlerts { get; set; } = [];
    [Id(12)] public DateTimeOffset? FirstSeen { get; set; }
    [Id(13)] public DateTimeOffset? LastSeen { get; set; }
    [Id(14)] public long EventsApplied { get; set; }
    /// <summary>Set once the account has had an event or an owner assigned; before that the ops API says 404.</summary>
    [Id(15)] public bool Known { get; set; }
    /// <summary>Log positions applied (durable mode), so a redelivered event is not counted twice.</summary>
    [Id(16)] public AppliedPositions Applied { get; set; } = new();
    /// <summary>Snoozes by rule id (<see cref="AllRules"/> for every rule): until when its alerts are recorded, not sent.</summary>
    [Id(17)] public Dictionary<string, DateTimeOffset> Snoozes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Durable mode: whether the grain has registered its reminder for time-based rules (registered once, not per activation).</summary>
    [Id(18)] public bool RulesReminder { get; set; }

    /// <summary>The snooze key that covers every rule.</summary>
    public const string AllRules = "*";

    /// <summary>Snoozes <paramref name="ruleId"/> (or <see cref="AllRules"/>) until <paramref name="until"/>, forgetting snoozes that have ended.</summary>
    public void Snooze(string ruleId, DateTimeOffset until, DateTimeOffset now)
    {
        foreach (var (key, end) in Snoozes)
        {
            if (end <= now)
            {
                Snoozes.Remove(key);
            }
        }

        if (until > now)
        {
            Snoozes[ruleId] = until;
        }
        else
        {
            Snoozes.Remove(ruleId);
        }
    }

    /// <summary>Until when an alert of <paramref name="ruleId"/> is snoozed at <paramref name="now"/>, or null when it is not.</summary>
    public DateTimeOffset? SnoozedUntil(string ruleId, DateTimeOffset now)
    {
        if (Snoozes.Count == 0)
        {
            return null;
        }

        DateTimeOffset? until = null;
        foreach (var key in (ReadOnlySpan<string>)[ruleId, AllRules])
        {
            if (Snoozes.TryGetValue(key, out var end) && end > now && (until is null || end > until))
            {
                until = end;
            }
        }

        return until;
    }

    public SignalLatch Latch(string signal)
    {
        if (!Latches.TryGetValue(signal, out var latch))
        {
            Latches[signal] = latch = new SignalLatch();
        }

        return latch;
    }

    /// <summary>Folds one event attributed to this account into the state.</summary>
    public void Apply(IngestEvent e, DateTimeOffset now) => Apply(e, TimeBuckets.Of(now));

    /// <inheritdoc cref="Apply(IngestEvent, DateTimeOffset)"/>
    public void Apply(IngestEvent e, TimeBuckets now)
    {
        if (!ApplyExceptCounts(e))
        {
            return;
        }

        var at = TimeBuckets.Of(e.Timestamp).NotAfter(now);
        Events.Add(e.Name, at, 1, now);
        if (e.Feature is not null)
        {
            Features.Add(e.Feature, at, e.Count, now);
        }

        MarkActive(e.UserKey, at, now);
    }

    /// <summary>
    /// Folds everything of <paramref name="e"/> but its counter adds and its user's activity, which the caller makes
    /// (<see cref="Apply(IngestEvent, TimeBuckets)"/> at once, <see cref="AccountFold"/> summed over a batch).
    /// Returns whether it is activity, which has them.
    /// </summary>
    internal bool ApplyExceptCounts(IngestEvent e)
    {
        Known = true;
        EventsApplied++;
        if (e.Kind == EventKind.Group)
        {
            ApplyTraits(e.Traits);
            if (e.UserId is not null)
            {
                Members.Add(e.UserKey);
            }

            return false;
        }

        if (!e.IsActivity)
        {
            return false;
        }

        FirstSeen = FirstSeen is { } first && first <= e.Timestamp ? first : e.Timestamp;
        LastSeen = LastSeen is { } last && last >= e.Timestamp ? last : e.Timestamp;
        if (!string.IsNullOrWhiteSpace(e.Plan))
        {
            Plan = e.Plan;
        }

        Billing.Apply(e);
        return true;
    }

    /// <summary>Marks <paramref name="userKey"/> active on the day of <paramref name="at"/>, a member from its first activity.</summary>
    internal void MarkActive(string userKey, TimeBuckets at, TimeBuckets now)
    {
        if (ActiveUsers.MarkActive(userKey, at, now))
        {
            Members.Add(userKey); // a user already tracked as active is already a member
        }
    }

    public void AssignOwner(OwnerAssignment assignment)
    {
        Known = true;
        Owner = assignment.Owner;
        if (!string.IsNullOrWhiteSpace(assignment.SlackChannel))
        {
            SlackChannel = assignment.SlackChannel;
        }
    }

    public void Remember(Alert alert)
    {
        RecentAlerts.Insert(0, new AlertSummary(alert.AlertId, alert.Signal, alert.FiredAt, alert.Explanation));
        if (RecentAlerts.Count > RecentAlertCapacity)
        {
            RecentAlerts.RemoveAt(RecentAlerts.Count - 1);
        }
    }

    /// <summary>Marks a remembered alert acknowledged; a second acknowledgement keeps the first. False when it is not remembered.</summary>
    public bool Acknowledge(string alertId, string by, DateTimeOffset at)
    {
        var index = RecentAlerts.FindIndex(a => a.AlertId == alertId);
        if (index < 0)
        {
            return false;
        }

        if (RecentAlerts[index].AcknowledgedBy is null)
        {
            RecentAlerts[index] = RecentAlerts[index] with { AcknowledgedBy = by, AcknowledgedAt = at };
        }

        return true;
    }

    private void ApplyTraits(IReadOnlyDictionary<string, string>? traits)
    {
        if (traits is null)
        {
            return;
        }

        foreach (var (key, value) in traits)
        {
            if (Traits.Count < MaxTraits || Traits.ContainsKey(key))
            {
                Traits[key] = value;
            }

            switch (key)
            {
                case "name": Name = value; break;
                case "plan": Plan = value; break;
                case "owner": Owner = value; break;
                case "slack_channel" or "slackChannel": SlackChannel = value; break;
            }
        }
    }
}

/// <summary>Billing state, moved by the billing events of the PostHog handbook's list.</summary>
[GenerateSerializer, Alias("IngestLayer.BillingState")]
public sealed class BillingState
{
    [Id(0)] public string Status { get; set; } = BillingStatus.Ok;
    [Id(1)] public DateTimeOffset? LastPaymentFailedAt { get; set; }
    [Id(2)] public DateTimeOffset? LastPaidAt { get; set; }
    [Id(3)] public DateTimeOffset? LastLimitHitAt { get; set; }
    [Id(4)] public DateTimeOffset? CancelledAt { get; set; }
    /// <summary>Amount and currency of the last failed payment, when the event carried them.</summary>
    [Id(5)] public string? LastFailedAmount { get; set; }

    public void Apply(IngestEvent e)
    {
        var name = e.Name;
        if (!MaybeBilling(name))
        {
            return;
        }

        if (Is(name, BillingEvents.InvoicePaymentFailed))
        {
            Status = BillingStatus.PaymentFailed;
            LastPaymentFailedAt = e.Timestamp;
            LastFailedAmount = ReadAmount(e.Properties);
        }
        else if (Is(name, BillingEvents.SubscriptionPaid) || Is(name, BillingEvents.InvoicePaid) || Is(name, BillingEvents.ProductActivated))
        {
            Status = BillingStatus.Ok;
            LastPaidAt = e.Timestamp;
        }
        else if (Is(name, BillingEvents.HitBillingLimit))
        {
            LastLimitHitAt = e.Timestamp;
            if (Status == BillingStatus.Ok)
            {
                Status = BillingStatus.LimitHit;
            }
        }
        else if (Is(name, BillingEvents.BillingLimitsUpdated) && Status == BillingStatus.LimitHit)
        {
            Status = BillingStatus.Ok;
        }
        else if (Is(name, BillingEvents.SubscriptionCancelled))
        {
            Status = BillingStatus.Cancelled;
            CancelledAt = e.Timestamp;
        }
    }

    public BillingSnapshot ToSnapshot() => new()
    {
        Status = Status,
        LastPaymentFailedAt = LastPaymentFailedAt,
        LastPaidAt = LastPaidAt,
        LastLimitHitAt = LastLimitHitAt,
        CancelledAt = CancelledAt,
    };

    // Every billing event name starts with "billing" or "hit billing"; most events are not billing events.
    private static bool MaybeBilling(string name) => name.Length >= 17 && (name[0] | 0x20) is 'b' or 'h';

    private static bool Is(string name, string billingEvent) => string.Equals(name, billingEvent, StringComparison.OrdinalIgnoreCase);

    // Only billing failures are parsed, so the per-event hot path never parses properties.
    private static string? ReadAmount(ReadOnlyMemory<byte> propertiesJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(propertiesJson);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("amount", out var amount))
            {
                return null;
            }

            var currency = root.TryGetProperty("currency", out var c) && c.ValueKind == JsonValueKind.String ? " " + c.GetString()!.ToUpperInvariant() : "";
            return amount.ValueKind switch
            {
                JsonValueKind.Number or JsonValueKind.String => amount.ToString() + currency,
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null; // the gateway validated the JSON; this only guards against a future format change
        }
    }
}
