using System.Globalization;
using IngestLayer.Contracts;
using IngestLayer.Grains.Signals;

namespace IngestLayer.Grains.Rules.Kinds;

/// <summary>
/// The billing kinds, each raised by one billing event and held while the account's billing status says so:
/// <c>payment_failed</c> (re-arms after a payment), <c>billing_limit_hit</c> (re-arms when the limits are
/// updated or a payment goes through) and <c>subscription_cancelled</c> (re-arms when a subscription is paid
/// or a product activated again). No parameters.
/// </summary>
public sealed class BillingStatusRule : CompiledRule
{
    private readonly string _event;
    private readonly string _status;

    public BillingStatusRule(RuleDefinition definition) : base(definition)
    {
        (_event, _status) = definition.Kind switch
        {
            RuleKinds.PaymentFailed => (BillingEvents.InvoicePaymentFailed, BillingStatus.PaymentFailed),
            RuleKinds.BillingLimitHit => (BillingEvents.HitBillingLimit, BillingStatus.LimitHit),
            RuleKinds.SubscriptionCancelled => (BillingEvents.SubscriptionCancelled, BillingStatus.Cancelled),
            _ => throw new ArgumentException($"'{definition.Kind}' is not a billing rule kind.", nameof(definition)),
        };
    }

    public override bool PerEvent => true;

    public override bool MovedBy(IngestEvent e) => string.Equals(e.Name, _event, StringComparison.OrdinalIgnoreCase);

    public override CounterReads ReadsCounters(AccountState state) => CounterReads.None;

    public override bool Holds(AccountState state, DateTimeOffset now) => state.Billing.Status == _status;

    public override AlertBody Describe(AccountState state, string accountId, IngestEvent? trigger, DateTimeOffset now)
    {
        var count = state.Events.Get(trigger?.Name ?? _event)?.Counts(now).Last28Days ?? 1;
        var display = RuleText.Display(state, accountId);
        var billing = state.Billing;
        var activeUsers = new EvidenceItem("Active users (7d)", state.ActiveUsers.Count(now, 7).ToString(CultureInfo.InvariantCulture));
        var plan = new EvidenceItem("Plan", state.Plan ?? "unknown");
        switch (Kind)
        {
            case RuleKinds.PaymentFailed:
            {
                var evidence = new List<EvidenceItem> { new("Billing status", billing.Status), new("Failed payments (28d)", RuleText.Number(count)) };
                if (billing.LastFailedAmount is { } amount)
                {
                    evidence.Add(new("Amount", amount));
                }

                evidence.Add(new("Last successful payment", billing.LastPaidAt?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none seen"));
                evidence.Add(plan);
                evidence.Add(activeUsers);
                return new AlertBody(SignalNames.Risk, "Risk: invoice payment failed", trigger?.Name ?? _event,
                    $"{display} had an invoice payment fail ({RuleText.Times(count, "failure")} in the last 28 days); billing is now {billing.Status}.",
                    evidence);
            }

            case RuleKinds.BillingLimitHit:
                return new AlertBody(SignalNames.Expansion, "Expansion: billing limit hit", trigger?.Name ?? _event,
                    $"{display} hit its billing limit on the {state.Plan ?? "unknown"} plan ({RuleText.Times(count)} in the last 28 days): it is ready for a bigger plan.",
                    [new("Billing status", billing.Status), new("Limit hits (28d)", RuleText.Number(count)), new("Last limit hit", RuleText.Day(billing.LastLimitHitAt)), plan, activeUsers]);

            default:
                return new AlertBody(SignalNames.Risk, "Risk: subscription cancelled", trigger?.Name ?? _event,
                    $"{display} cancelled its subscription on the {state.Plan ?? "unknown"} plan; {RuleText.Times(state.ActiveUsers.Count(now, 7), "user")} were active in the last 7 days.",
                    [new("Billing status", billing.Status), new("Cancelled", RuleText.Day(billing.CancelledAt)), new("Last successful payment", RuleText.Day(billing.LastPaidAt)), plan, activeUsers]);
        }
    }
}
