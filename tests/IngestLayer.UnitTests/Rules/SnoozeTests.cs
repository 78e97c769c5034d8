using IngestLayer.Contracts;
using IngestLayer.Grains.Signals;
using static IngestLayer.UnitTests.Rules.RuleHarness;

namespace IngestLayer.UnitTests.Rules;

public class SnoozeTests
{
    private readonly RuleHarness _h = new(Rule(RuleKinds.PaymentFailed), Rule(RuleKinds.SubscriptionCancelled));

    [Fact]
    public void an_alert_of_a_snoozed_rule_is_marked_with_the_snooze_end_and_others_are_not()
    {
        _h.State.Snooze(RuleKinds.PaymentFailed, T0.AddHours(4), T0);

        var alerts = _h.Batch(T0, _h.Track(BillingEvents.InvoicePaymentFailed, T0), _h.Track(BillingEvents.SubscriptionCancelled, T0));

        Assert.Equal(T0.AddHours(4), Assert.Single(alerts, a => a.Rule == RuleKinds.PaymentFailed).SnoozedUntil);
        Assert.Null(Assert.Single(alerts, a => a.Rule == RuleKinds.SubscriptionCancelled).SnoozedUntil);
    }

    [Fact]
    public void snoozing_every_rule_covers_them_all_until_it_ends()
    {
        _h.State.Snooze("*", T0.AddHours(1), T0);

        Assert.Equal(T0.AddHours(1), Assert.Single(_h.Batch(T0, _h.Track(BillingEvents.InvoicePaymentFailed, T0))).SnoozedUntil);
        var later = T0.AddHours(2);
        Assert.Null(Assert.Single(_h.Batch(later, _h.Track(BillingEvents.SubscriptionCancelled, later))).SnoozedUntil);
    }

    [Fact]
    public void a_snoozed_alert_still_counts_as_fired_so_it_is_not_sent_when_the_snooze_ends()
    {
        _h.State.Snooze("*", T0.AddHours(1), T0);
        Assert.Single(_h.Batch(T0, _h.Track(BillingEvents.InvoicePaymentFailed, T0)));

        var later = T0.AddHours(2);
        Assert.Empty(_h.Batch(later, _h.Track("dashboard viewed", later)));
    }

    [Fact]
    public void a_snooze_in_the_past_ends_it()
    {
        _h.State.Snooze(RuleKinds.PaymentFailed, T0.AddHours(4), T0);
        _h.State.Snooze(RuleKinds.PaymentFailed, T0, T0);

        Assert.Empty(_h.State.Snoozes);
        Assert.Null(Assert.Single(_h.Batch(T0, _h.Track(BillingEvents.InvoicePaymentFailed, T0))).SnoozedUntil);
    }
}
