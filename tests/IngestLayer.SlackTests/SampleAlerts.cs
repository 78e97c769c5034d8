using IngestLayer.Contracts;

namespace IngestLayer.SlackTests;

/// <summary>Alerts as the account grain produces them.</summary>
internal static class SampleAlerts
{
    public static readonly DateTimeOffset FiredAt = new(2025, 3, 4, 9, 30, 0, TimeSpan.Zero);

    public static Alert PaidFeatureOnFreePlan(string? channel = "#alerts", string alertId = "al_0123456789abcdef01234567") => new()
    {
        AlertId = alertId,
        Workspace = "acme-analytics",
        AccountId = "acc_42",
        AccountName = "Globex",
        Signal = "paid_feature_on_free_plan",
        Category = "expansion",
        Severity = "info",
        Title = "Expansion: free plan using a paid feature",
        Explanation = "Globex (acc_42) is on the free plan and used the paid feature csv.export 3 times in the last 24h.",
        Plan = "free",
        Owner = "dana@vendor.example",
        Channel = channel,
        Subject = "csv.export",
        Evidence =
        [
            new("Plan", "free"),
            new("csv.export uses", "3 in 24h · 5 in 7d · 5 in 28d"),
            new("Used by", "user_7"),
            new("Active users (7d)", "4"),
        ],
        FiredAt = FiredAt,
    };
}
