using IngestLayer.Contracts;
using IngestLayer.Gateway;

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

    /// <summary>
    /// A round as the router hands it to held activity: each account's event indexes (in stored order) and every
    /// event's user hash, computed once so the benchmarks time the holding, not the sorting.
    /// </summary>
    public static HeldRound ForHolding(IngestEvent[] round) => new(
        round,
        [.. Enumerable.Range(0, round.Length).GroupBy(i => round[i].AccountId).Select(g => g.ToArray())],
        [.. round.Select(UserActivityBuffer.UserHash)]);
}

/// <summary>A round's events with what <see cref="UserActivityBuffer.Add(ReadOnlySpan{IngestEvent}, Span{int}, ReadOnlySpan{ulong}, long)"/> takes.</summary>
internal sealed record HeldRound(IngestEvent[] Events, int[][] Accounts, ulong[] UserHashes)
{
    /// <summary>Holds the round account by account, as the router does (each call reorders an account's indexes, which any order allows).</summary>
    public void HoldIn(UserActivityBuffer held)
    {
        var firstSequence = held.NextSequence;
        foreach (var indexes in Accounts)
        {
            held.Add(Events, indexes, UserHashes, firstSequence);
        }
    }
}
