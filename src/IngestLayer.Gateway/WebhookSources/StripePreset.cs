using System.Globalization;
using System.Text.Json;
using IngestLayer.Contracts.Webhooks;

namespace IngestLayer.Gateway.WebhookSources;

/// <summary>
/// The built-in mapping of Stripe-shaped billing events (<c>{"id": "evt_…", "type": "invoice.payment_failed",
/// "created": 1764…, "data": {"object": {…}}}</c>) onto the billing event names the rules read
/// (<c>billing invoice payment failed</c> raises <c>payment_failed</c>, <c>billing subscription cancelled</c>
/// raises <c>subscription_cancelled</c>, <c>billing invoice paid</c> re-arms both).
/// </summary>
public static class StripePreset
{
    /// <summary>
    /// Your own account id wins over Stripe's customer id: set <c>metadata.account_id</c> on the subscription (it is
    /// copied to its invoices' <c>subscription_details.metadata</c>) or the invoice, or pass
    /// <c>client_reference_id</c> to Checkout; else the account is the Stripe customer id (<c>cus_…</c>).
    /// </summary>
    public static readonly IReadOnlyList<string> AccountPaths =
    [
        "$.data.object.metadata.account_id",
        "$.data.object.subscription_details.metadata.account_id",
        "$.data.object.client_reference_id",
        "$.data.object.customer",
    ];

    public static readonly IReadOnlyDictionary<string, string> Names = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["invoice.payment_failed"] = "billing invoice payment failed",
        // Stripe sends both for one successful payment: only invoice.paid moves billing state, so it is not counted twice.
        ["invoice.paid"] = "billing invoice paid",
        ["invoice.payment_succeeded"] = "billing invoice payment succeeded",
        ["invoice.payment_action_required"] = "billing invoice payment action required",
        ["customer.subscription.created"] = "billing subscription created",
        ["customer.subscription.updated"] = "billing subscription updated",
        ["customer.subscription.deleted"] = "billing subscription cancelled",
        ["customer.subscription.paused"] = "billing subscription paused",
        ["customer.subscription.resumed"] = "billing subscription resumed",
        ["customer.subscription.trial_will_end"] = "billing trial ending",
        ["checkout.session.completed"] = "billing checkout completed",
        ["charge.dispute.created"] = "billing dispute opened",
        ["charge.refunded"] = "billing charge refunded",
    };

    public static readonly WebhookMapping Mapping = new()
    {
        Preset = WebhookPresets.Stripe,
        Event = ["$.type"],
        Account = AccountPaths,
        User = ["$.data.object.metadata.user_id"],
        Timestamp = ["$.created"],
        Id = ["$.id"],
        // A subscription's plan: the price's lookup key, else the plan's nickname, else the price id.
        Plan = ["$.data.object.items.data[0].price.lookup_key", "$.data.object.plan.nickname", "$.data.object.items.data[0].price.id"],
        PropertyMap = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["stripe_event_type"] = "$.type",
            ["stripe_object_id"] = "$.data.object.id",
            ["stripe_customer"] = "$.data.object.customer",
            ["status"] = "$.data.object.status",
            ["currency"] = "$.data.object.currency",
            ["amount_due"] = "$.data.object.amount_due",
            ["amount_paid"] = "$.data.object.amount_paid",
            ["amount_total"] = "$.data.object.amount_total",
            ["attempt_count"] = "$.data.object.attempt_count",
            ["hosted_invoice_url"] = "$.data.object.hosted_invoice_url",
            ["cancel_at_period_end"] = "$.data.object.cancel_at_period_end",
            ["cancellation_reason"] = "$.data.object.cancellation_details.reason",
        },
        Names = Names,
        Unmapped = WebhookUnmapped.Ignore,
    };

    // ISO 4217 currencies Stripe counts in whole units (no cents): https://docs.stripe.com/currencies#zero-decimal
    private static readonly HashSet<string> ZeroDecimal = new(StringComparer.OrdinalIgnoreCase)
    {
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
    };

    /// <summary>
    /// Writes <c>amount</c>: the amount due (else the total) in major units, as the payment-failed alert shows it
    /// with the currency ("49.00 USD"). Stripe sends minor units (4900); showing those as dollars would mislead.
    /// </summary>
    public static void WriteAmount(JsonElement root, Utf8JsonWriter writer)
    {
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("object", out var obj) || obj.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var minor = Long(obj, "amount_due") ?? Long(obj, "amount_total");
        if (minor is not { } units)
        {
            return;
        }

        var currency = obj.TryGetProperty("currency", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        writer.WriteString("amount", currency is not null && ZeroDecimal.Contains(currency)
            ? units.ToString(CultureInfo.InvariantCulture)
            : (units / 100m).ToString("0.00", CultureInfo.InvariantCulture));
    }

    private static long? Long(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
}
