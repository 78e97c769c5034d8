using IngestLayer.Contracts;
using IngestLayer.Grains.Signals;
using static IngestLayer.UnitTests.Rules.RuleHarness;

namespace IngestLayer.UnitTests.Rules;

public class BillingRuleTests
{
    [Fact]
    public void billing_limit_hit_fires_on_the_event_and_rearms_when_the_limits_are_updated()
    {
        var h = new RuleHarness(Rule(RuleKinds.BillingLimitHit, cooldown: TimeSpan.FromHours(1)));
        Assert.Empty(h.Batch(T0, h.Group(T0, ("plan", "pro"), ("name", "Acme Inc")), h.Track("dashboard viewed", T0)));

        var hit = h.Track(BillingEvents.HitBillingLimit, T0);
        var alert = Assert.Single(h.Batch(T0, hit));

        Assert.Equal("expansion", alert.Category);
        Assert.Equal("Acme Inc (acme) hit its billing limit on the pro plan (1 time in the last 28 days): it is ready for a bigger plan.", alert.Explanation);
        Assert.Contains(new EvidenceItem("Last limit hit", "2026-11-23"), alert.Evidence);
        Assert.Equal(Grains.Rules.RuleRunner.AlertId("default", "acme", RuleKinds.BillingLimitHit, hit), alert.AlertId);

        // Still at the limit: no second alert. Limits raised, then hit again inside the cooldown: suppressed.
        Assert.Empty(h.Batch(T0.AddMinutes(1), h.Track(BillingEvents.HitBillingLimit, T0.AddMinutes(1))));
        Assert.Empty(h.Batch(T0.AddMinutes(2), h.Track(BillingEvents.BillingLimitsUpdated, T0.AddMinutes(2))));
        Assert.Empty(h.Batch(T0.AddMinutes(3), h.Track(BillingEvents.HitBillingLimit, T0.AddMinutes(3))));
        h.Batch(T0.AddMinutes(4), h.Track(BillingEvents.BillingLimitsUpdated, T0.AddMinutes(4)));
        Assert.Single(h.Batch(T0.AddHours(2), h.Track(BillingEvents.HitBillingLimit, T0.AddHours(2))));
    }

    [Fact]
    public void other_events_do_not_fire_billing_rules()
    {
        var h = new RuleHarness(Rule(RuleKinds.BillingLimitHit), Rule(RuleKinds.SubscriptionCancelled), Rule(RuleKinds.PaymentFailed));

        Assert.Empty(h.Batch(T0, h.Track("billing subscription paid", T0), h.Track("billing limits updated", T0), h.Track("feature.used", T0, "csv.export")));
    }

    [Fact]
    public void subscription_cancelled_fires_a_risk_alert_and_rearms_after_a_new_subscription()
    {
        var h = new RuleHarness(Rule(RuleKinds.SubscriptionCancelled, cooldown: TimeSpan.Zero));
        h.Batch(T0, h.Group(T0, ("plan", "team")), h.Track(BillingEvents.SubscriptionPaid, T0.AddDays(-3)), h.Track("dashboard viewed", T0, user: "bob"));

        var alert = Assert.Single(h.Batch(T0, h.Track(BillingEvents.SubscriptionCancelled, T0)));

        Assert.Equal("risk", alert.Category);
        Assert.Equal("acme cancelled its subscription on the team plan; 2 users were active in the last 7 days.", alert.Explanation);
        Assert.Contains(new EvidenceItem("Cancelled", "2026-11-23"), alert.Evidence);
        Assert.Contains(new EvidenceItem("Last successful payment", "2026-11-20"), alert.Evidence);
        Assert.Empty(h.Batch(T0, h.Track(BillingEvents.SubscriptionCancelled, T0)));

        h.Batch(T0.AddDays(1), h.Track(BillingEvents.SubscriptionPaid, T0.AddDays(1)));
        Assert.Single(h.Batch(T0.AddDays(2), h.Track(BillingEvents.SubscriptionCancelled, T0.AddDays(2))));
    }

    [Fact]
    public void a_rule_with_a_destination_routes_there_instead_of_the_owner_channel()
    {
        var h = new RuleHarness(Rule(RuleKinds.PaymentFailed, destination: "#billing-risk"));
        h.Batch(T0, h.Group(T0, ("slack_channel", "#ada-alerts")));

        var alert = Assert.Single(h.Batch(T0, h.Track(BillingEvents.InvoicePaymentFailed, T0)));

        Assert.Equal("#billing-risk", alert.Channel);
    }
}
