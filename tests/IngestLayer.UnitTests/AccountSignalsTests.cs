using IngestLayer.Contracts;
using IngestLayer.Grains;
using IngestLayer.Grains.Rules;
using IngestLayer.Grains.Signals;
using IngestLayer.UnitTests.Rules;

namespace IngestLayer.UnitTests;

/// <summary>The two signals of the foundation, now the default rule set seeded from <see cref="SignalOptions"/>.</summary>
public class AccountSignalsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly SignalOptions _options = new() { PaidFeatures = ["csv.export", "api.access"] };
    private readonly AccountState _state = new();
    private readonly AccountEvents _events = new();

    private readonly CompiledRules _rules;

    public AccountSignalsTests()
    {
        _options.ApplyDefaults();
        _rules = CompiledRules.Compile(new RuleSet(DefaultRules.From(_options), IsDefault: true));
    }

    private IngestEvent Track(string name, DateTimeOffset at, string? feature = null, string user = "ada") => _events.Track(name, at, feature, user);

    private IngestEvent Group(DateTimeOffset at, params (string Key, string Value)[] traits) => _events.Group(at, traits);

    // Applies one batch the way AccountGrain does, returning the alerts that fired.
    private IReadOnlyList<Alert> Batch(DateTimeOffset now, params IngestEvent[] events) =>
        RuleRunner.ApplyBatch(_state, _rules, "default", "acme", new EventBatch(events), now) ?? [];

    [Fact]
    public void paid_feature_on_a_free_plan_fires_once_with_its_evidence()
    {
        Batch(T0, Group(T0, ("name", "Acme Inc"), ("plan", "free"), ("owner", "ada@vendor.com"), ("slack_channel", "#ada-alerts")));

        var alerts = Batch(T0, Track("feature.used", T0, "csv.export"));

        var alert = Assert.Single(alerts);
        Assert.Equal(SignalNames.PaidFeatureOnFreePlan, alert.Signal);
        Assert.Equal("expansion", alert.Category);
        Assert.Equal("csv.export", alert.Subject);
        Assert.Equal("#ada-alerts", alert.Channel);
        Assert.Equal("ada@vendor.com", alert.Owner);
        Assert.Equal("Acme Inc (acme) is on the free plan and used the paid feature csv.export 1 time in the last 24h.", alert.Explanation);
        Assert.Contains(new EvidenceItem("csv.export uses", "1 in 24h · 1 in 7d · 1 in 28d"), alert.Evidence);
        Assert.Contains(new EvidenceItem("Used by", "ada"), alert.Evidence);
    }

    [Fact]
    public void a_second_use_inside_the_window_does_not_fire_again()
    {
        Batch(T0, Group(T0, ("plan", "free")));
        Assert.Single(Batch(T0, Track("feature.used", T0, "csv.export")));

        Assert.Empty(Batch(T0.AddHours(2), Track("feature.used", T0.AddHours(2), "csv.export")));
        Assert.Empty(Batch(T0.AddHours(3), Track("feature.used", T0.AddHours(3), "api.access")));
    }

    [Fact]
    public void fires_again_after_a_quiet_window_once_the_cooldown_has_passed()
    {
        Batch(T0, Group(T0, ("plan", "free")));
        var first = Assert.Single(Batch(T0, Track("feature.used", T0, "csv.export")));

        var later = T0.AddHours(50);
        var second = Assert.Single(Batch(later, Track("feature.used", later, "csv.export")));
        Assert.NotEqual(first.AlertId, second.AlertId);
    }

    [Fact]
    public void a_paid_plan_or_a_free_feature_does_not_fire()
    {
        Batch(T0, Group(T0, ("plan", "pro")));
        Assert.Empty(Batch(T0, Track("feature.used", T0, "csv.export")));

        Batch(T0.AddHours(1), Group(T0.AddHours(1), ("plan", "free")));
        Assert.Equal("free", _state.Plan);
        Assert.Empty(Batch(T0.AddHours(50), Track("feature.used", T0.AddHours(50), "dashboard.view")));
    }

    [Fact]
    public void moving_to_a_free_plan_while_using_a_paid_feature_fires()
    {
        Batch(T0, Group(T0, ("plan", "pro")), Track("feature.used", T0, "api.access"));

        var alert = Assert.Single(Batch(T0.AddHours(1), Group(T0.AddHours(1), ("plan", "free"))));
        Assert.Equal("api.access", alert.Subject);
    }

    [Fact]
    public void the_plan_riding_along_on_the_event_counts()
    {
        var e = Track("feature.used", T0, "csv.export") with { Plan = "free" };

        var alert = Assert.Single(Batch(T0, e));
        Assert.Equal("free", alert.Plan);
    }

    [Fact]
    public void payment_failed_fires_a_risk_alert_and_rearms_only_after_a_payment()
    {
        Batch(T0, Group(T0, ("plan", "pro"), ("name", "Acme Inc")));

        var alert = Assert.Single(Batch(T0, Track(BillingEvents.InvoicePaymentFailed, T0)));
        Assert.Equal(SignalNames.PaymentFailed, alert.Signal);
        Assert.Equal("risk", alert.Category);
        Assert.Equal("critical", alert.Severity);
        Assert.Equal("Acme Inc (acme) had an invoice payment fail (1 failure in the last 28 days); billing is now payment_failed.", alert.Explanation);
        Assert.Equal(BillingStatus.PaymentFailed, _state.Billing.Status);

        Assert.Empty(Batch(T0.AddHours(1), Track(BillingEvents.InvoicePaymentFailed, T0.AddHours(1))));
        Assert.Empty(Batch(T0.AddHours(2), Track(BillingEvents.SubscriptionPaid, T0.AddHours(2))));
        Assert.Equal(BillingStatus.Ok, _state.Billing.Status);

        // Failing again inside the cooldown is suppressed; after it, it fires.
        Assert.Empty(Batch(T0.AddHours(3), Track(BillingEvents.InvoicePaymentFailed, T0.AddHours(3))));
        Batch(T0.AddHours(4), Track(BillingEvents.SubscriptionPaid, T0.AddHours(4)));
        var again = Assert.Single(Batch(T0.AddHours(30), Track(BillingEvents.InvoicePaymentFailed, T0.AddHours(30))));
        Assert.Contains(new EvidenceItem("Failed payments (28d)", "4"), again.Evidence);
    }

    [Fact]
    public void alert_ids_are_deterministic_per_triggering_event()
    {
        var e = Track("feature.used", T0, "csv.export");

        Assert.Equal(RuleRunner.AlertId("default", "acme", "x", e), RuleRunner.AlertId("default", "acme", "x", e));
        Assert.NotEqual(RuleRunner.AlertId("default", "acme", "x", e), RuleRunner.AlertId("other", "acme", "x", e));
    }
}
