using IngestLayer.Contracts;

namespace IngestLayer.Benchmarks;

/// <summary>
/// Events shaped like the load generator's, as the parser hands them over: workspace, source, account,
/// name and feature strings pooled, user and message ids fresh strings per event; 1,000 accounts, 10,000
/// users (user i in account i mod 1000), 70% <c>feature.used</c> over 8 features, times over 30 seconds.
/// </summary>
internal static class RoundEvents
{
    private static readonly string[] Features = ["csv.export", "api.access", "reports.schedule", "dashboard.share", "webhook.create", "sso.login", "audit.view", "alerts.create"];
    private static readonly string[] Names = ["$pageview", "insight created", "dashboard created", "team member invited", "experiment launched", "survey launched"];

    public static IngestEvent[] Create(int count, int seed, DateTimeOffset now)
    {
        var random = new Random(seed);
        var accounts = Enumerable.Range(0, 1000).Select(a => "acct-" + a).ToArray();
        var events = new IngestEvent[count];
        for (var i = 0; i < count; i++)
        {
            var user = random.Next(10_000);
            var roll = random.Next(100);
            events[i] = new IngestEvent
            {
                Workspace = "default",
                Source = "loadgen",
                MessageId = "lg-" + seed + "-" + i,
                Kind = EventKind.Track,
                Name = roll < 70 ? "feature.used" : Names[roll % Names.Length],
                UserId = "user-" + user,
                AccountId = accounts[user % accounts.Length],
                Timestamp = now.AddSeconds(-random.Next(30)),
                ReceivedAt = now,
                Feature = roll < 70 ? Features[random.Next(Features.Length)] : null,
            };
        }

        return events;
    }
}
