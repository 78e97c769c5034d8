using System.Text;
using System.Text.Json;
using IngestLayer.Contracts.Webhooks;
using IngestLayer.Gateway.WebhookSources;
using IngestLayer.Grains.Signals;

namespace IngestLayer.UnitTests.WebhookSources;

public class StripePresetTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 11, 0, 0, TimeSpan.Zero);
    private static readonly CompiledWebhookMapping Preset = CompiledWebhookMapping.Compile(new WebhookMapping { Preset = WebhookPresets.Stripe });

    internal static string Event(string type, string obj, string id = "evt_1", long created = 1_764_496_800) =>
        $$$"""{"id": "{{{id}}}", "object": "event", "type": "{{{type}}}", "created": {{{created}}}, "livemode": false, "data": {"object": {{{obj}}}}}""";

    private static WebhookMappingResult Map(string json, CompiledWebhookMapping? mapping = null)
    {
        using var doc = JsonDocument.Parse(json);
        return (mapping ?? Preset).Map(doc.RootElement, "ws", "whsrc_test", messageId: null, signedAt: Now.AddSeconds(-1), receivedAt: Now);
    }

    [Fact]
    public void the_preset_maps_the_provider_names_onto_the_billing_events_the_rules_read()
    {
        Assert.Equal(BillingEvents.InvoicePaymentFailed, StripePreset.Names["invoice.payment_failed"]);
        Assert.Equal(BillingEvents.SubscriptionCancelled, StripePreset.Names["customer.subscription.deleted"]);
        Assert.Equal(BillingEvents.InvoicePaid, StripePreset.Names["invoice.paid"]);
        // Stripe sends invoice.paid and invoice.payment_succeeded for one payment: only one of them may move billing state.
        Assert.NotEqual(BillingEvents.InvoicePaid, StripePreset.Names["invoice.payment_succeeded"]);
    }

    [Fact]
    public void a_failed_invoice_becomes_a_billing_event_of_the_customer_with_its_amount_in_major_units()
    {
        var result = Map(Event("invoice.payment_failed",
            """{"id": "in_1", "object": "invoice", "customer": "cus_42", "amount_due": 4900, "currency": "usd", "attempt_count": 2, "status": "open"}"""));

        var e = result.Event!;
        Assert.Equal(("billing invoice payment failed", "cus_42", "evt_1", "whsrc_test", "ws"), (e.Name, e.AccountId, e.MessageId, e.Source, e.Workspace));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_764_496_800), e.Timestamp);
        Assert.Equal(Now, e.ReceivedAt);
        Assert.Null(e.UserId);
        Assert.Equal("whsrc_test", e.AnonymousId);
        using var properties = JsonDocument.Parse(e.Properties);
        var p = properties.RootElement;
        Assert.Equal("49.00", p.GetProperty("amount").GetString());
        Assert.Equal(4900, p.GetProperty("amount_due").GetInt32());
        Assert.Equal(("usd", "in_1", "cus_42", "invoice.payment_failed", 2), (p.GetProperty("currency").GetString(), p.GetProperty("stripe_object_id").GetString(),
            p.GetProperty("stripe_customer").GetString(), p.GetProperty("stripe_event_type").GetString(), p.GetProperty("attempt_count").GetInt32()));
        Assert.False(p.TryGetProperty("amount_paid", out _));
    }

    [Fact]
    public void a_zero_decimal_currency_keeps_its_amount_as_it_is()
    {
        var e = Map(Event("invoice.payment_failed", """{"id": "in_2", "customer": "cus_1", "amount_due": 5000, "currency": "jpy"}""")).Event!;

        using var properties = JsonDocument.Parse(e.Properties);
        Assert.Equal("5000", properties.RootElement.GetProperty("amount").GetString());
    }

    [Fact]
    public void an_account_id_in_metadata_wins_over_the_stripe_customer()
    {
        var own = Map(Event("customer.subscription.deleted", """{"id": "sub_1", "customer": "cus_1", "metadata": {"account_id": "acme"}}""")).Event!;
        var viaInvoice = Map(Event("invoice.payment_failed", """{"id": "in_1", "customer": "cus_1", "metadata": {}, "subscription_details": {"metadata": {"account_id": "globex"}}}""")).Event!;
        var viaCheckout = Map(Event("checkout.session.completed", """{"id": "cs_1", "customer": "cus_1", "client_reference_id": "initech", "amount_total": 1200, "currency": "eur"}""")).Event!;

        Assert.Equal(("billing subscription cancelled", "acme"), (own.Name, own.AccountId));
        Assert.Equal("globex", viaInvoice.AccountId);
        Assert.Equal(("billing checkout completed", "initech"), (viaCheckout.Name, viaCheckout.AccountId));
    }

    [Fact]
    public void a_subscription_change_carries_the_new_plan()
    {
        var byLookupKey = Map(Event("customer.subscription.updated",
            """{"id": "sub_1", "customer": "cus_1", "items": {"data": [{"price": {"id": "price_9", "lookup_key": "pro_monthly"}}]}, "plan": {"nickname": "Pro"}}""")).Event!;
        var byNickname = Map(Event("customer.subscription.updated",
            """{"id": "sub_1", "customer": "cus_1", "items": {"data": [{"price": {"id": "price_9", "lookup_key": null}}]}, "plan": {"nickname": "Pro"}}""")).Event!;

        Assert.Equal(("billing subscription updated", "pro_monthly"), (byLookupKey.Name, byLookupKey.Plan));
        Assert.Equal("Pro", byNickname.Plan);
    }

    [Fact]
    public void an_event_type_the_preset_does_not_list_is_ignored()
    {
        var result = Map(Event("customer.created", """{"id": "cus_1"}"""));

        Assert.Null(result.Event);
        Assert.Equal("customer.created", result.IgnoredName);
    }

    [Fact]
    public void names_given_with_the_preset_are_merged_over_it_and_keep_takes_the_rest_under_their_own_name()
    {
        var mapping = CompiledWebhookMapping.Compile(new WebhookMapping
        {
            Preset = WebhookPresets.Stripe,
            Names = new Dictionary<string, string> { ["invoice.upcoming"] = "billing invoice upcoming", ["invoice.paid"] = "billing subscription paid" },
            Unmapped = WebhookUnmapped.Keep,
        });

        Assert.Equal("billing invoice upcoming", Map(Event("invoice.upcoming", """{"customer": "cus_1"}"""), mapping).Event!.Name);
        Assert.Equal("billing subscription paid", Map(Event("invoice.paid", """{"customer": "cus_1"}"""), mapping).Event!.Name);
        Assert.Equal("billing invoice payment failed", Map(Event("invoice.payment_failed", """{"customer": "cus_1"}"""), mapping).Event!.Name);
        Assert.Equal("customer.created", Map(Event("customer.created", """{"customer": "cus_1"}"""), mapping).Event!.Name);
    }

    [Fact]
    public void a_stripe_event_without_an_id_cannot_be_mapped_since_nothing_would_deduplicate_it()
    {
        var result = Map("""{"type": "invoice.paid", "created": 1764496800, "data": {"object": {"customer": "cus_1"}}}""");

        Assert.Null(result.Event);
        Assert.Equal("mapping.id", result.Field);
        Assert.Contains("$.id", result.Error);
    }

    [Fact]
    public void a_payload_that_names_no_account_cannot_be_mapped()
    {
        var result = Map(Event("invoice.paid", """{"id": "in_1"}"""));

        Assert.Equal("mapping.account", result.Field);
        Assert.Contains("$.data.object.customer", result.Error);
    }

    [Fact]
    public void a_payload_that_is_no_object_cannot_be_mapped()
    {
        Assert.Equal("", Map("[1, 2]").Field);
        Assert.Equal(Encoding.UTF8.GetByteCount("{}"), Map(Event("invoice.paid", """{"customer": "cus_1"}"""), CompiledWebhookMapping.Compile(new WebhookMapping
        {
            Event = ["$.type"], Account = ["$.data.object.customer"], Id = ["$.id"],
        })).Event!.Properties.Length);
    }
}
