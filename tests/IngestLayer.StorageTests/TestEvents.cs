using System.Text;
using IngestLayer.Contracts;

namespace IngestLayer.StorageTests;

/// <summary>Events and alerts for the contract tests; each test passes a workspace of its own.</summary>
internal static class TestEvents
{
    public static string NewWorkspace() => "ws_" + Guid.NewGuid().ToString("N")[..12];

    public static IngestEvent Track(string workspace, string messageId, string source = "web", string account = "acme", string user = "u1") => new()
    {
        Workspace = workspace,
        Source = source,
        MessageId = messageId,
        Kind = EventKind.Track,
        Name = "feature.used",
        UserId = user,
        AccountId = account,
        Feature = "csv.export",
        Count = 2,
        Plan = "free",
        Timestamp = new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.Zero),
        ReceivedAt = new DateTimeOffset(2026, 3, 1, 9, 30, 1, TimeSpan.Zero),
        Properties = Encoding.UTF8.GetBytes("""{"feature":"csv.export","count":2,"nested":{"a":[1,2]}}"""),
    };

    public static IngestEvent Group(string workspace, string messageId) => new()
    {
        Workspace = workspace,
        Source = "segment",
        MessageId = messageId,
        Kind = EventKind.Group,
        Name = "group",
        UserId = "u1",
        AccountId = "acme",
        Timestamp = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero),
        ReceivedAt = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero),
        Traits = new Dictionary<string, string> { ["name"] = "Acme Inc", ["plan"] = "free" },
        Properties = Encoding.UTF8.GetBytes("""{"name":"Acme Inc","plan":"free"}"""),
    };

    public static IngestEvent[] Batch(string workspace, string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => Track(workspace, $"{prefix}-{i}"))];

    public static Alert Alert(string workspace, string id, string account = "acme", string signal = "payment_failed") => new()
    {
        AlertId = id,
        Workspace = workspace,
        AccountId = account,
        AccountName = "Acme Inc",
        Signal = signal,
        Category = "risk",
        Severity = "critical",
        Title = "Risk: invoice payment failed",
        Explanation = "An invoice payment failed.",
        Plan = "pro",
        Owner = "ada@vendor.example",
        Channel = "#ada-alerts",
        Evidence = [new EvidenceItem("failures, last 28d", "1"), new EvidenceItem("amount", "49 USD")],
        FiredAt = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero),
    };
}
