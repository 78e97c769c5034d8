namespace IngestLayer.Storage.Postgres;

/// <summary>The <c>alert_outbox.status</c> text of each <see cref="AlertDeliveryStatus"/> (the table's CHECK lists the same words).</summary>
internal static class OutboxStatuses
{
    private static readonly string[] Names = ["pending", "retrying", "sent", "failed", "dev_inbox", "snoozed", "held_for_digest", "digested"];

    public static string ToText(AlertDeliveryStatus status) => Names[(int)status];

    public static AlertDeliveryStatus Parse(string text) => (AlertDeliveryStatus)Array.IndexOf(Names, text) is var status && status >= 0
        ? status
        : throw new InvalidOperationException($"alert_outbox.status '{text}' is not a known status.");
}
