namespace IngestLayer.Grains.Signals;

/// <summary>Names of the built-in signals and the billing events they read.</summary>
public static class SignalNames
{
    public const string PaidFeatureOnFreePlan = "paid_feature_on_free_plan";
    public const string PaymentFailed = "payment_failed";

    public const string Expansion = "expansion";
    public const string Risk = "risk";

    /// <summary>The event whose <c>feature</c> property feeds the per-feature counters.</summary>
    public const string FeatureUsed = "feature.used";
}

/// <summary>Billing event names, as in the PostHog handbook's list (matched case-insensitively).</summary>
public static class BillingEvents
{
    public const string InvoicePaymentFailed = "billing invoice payment failed";
    public const string SubscriptionPaid = "billing subscription paid";
    public const string InvoicePaid = "billing invoice paid";
    public const string SubscriptionCancelled = "billing subscription cancelled";
    public const string HitBillingLimit = "hit billing limit";
    public const string BillingLimitsUpdated = "billing limits updated";
    public const string ProductActivated = "billing product activated";
}
