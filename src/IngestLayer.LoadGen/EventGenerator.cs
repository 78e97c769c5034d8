using System.Text.Json;

namespace IngestLayer.LoadGen;

/// <summary>One generated event, before it is written as JSON (HTTP targets) or as table columns (Npgsql ceiling).</summary>
internal readonly record struct LoadEvent(string Name, string UserId, string AccountId, string MessageId, DateTimeOffset Timestamp, string? Feature, string? Url, string Plan)
{
    /// <summary>The count property <c>feature.used</c> events carry (and the count the gateway stores for every event).</summary>
    public const int Count = 1;

    /// <summary>Writes the <c>properties</c> object's fields, in the order the gateway receives them.</summary>
    public void WriteProperties(Utf8JsonWriter w)
    {
        if (Feature is not null)
        {
            w.WriteString("feature", Feature);
            w.WriteNumber("count", Count);
        }
        else
        {
            w.WriteString("url", Url);
        }

        w.WriteString("plan", Plan);
        w.WriteString("source", "loadgen");
    }
}

/// <summary>
/// Realistic events: users spread over accounts (user i belongs to account i mod N), mostly
/// <c>feature.used</c> with a feature key and plan, some pageviews and product events, each with a unique
/// message id so the gateway's dedupe does not short-circuit the work. Safe to share between threads
/// (each passes its own <see cref="Random"/>).
/// </summary>
internal sealed class EventGenerator(LoadOptions options)
{
    private static readonly string[] Features = ["csv.export", "api.access", "reports.schedule", "dashboard.share", "webhook.create", "sso.login", "audit.view", "alerts.create"];
    private static readonly string[] Events = ["$pageview", "insight created", "dashboard created", "team member invited", "experiment launched", "survey launched"];
    private static readonly string[] Plans = ["free", "pro", "enterprise"];
    private long _sequence;

    public LoadEvent Next(Random random)
    {
        var user = random.Next(options.Users);
        var account = user % options.Accounts;
        var roll = random.Next(100);
        var name = roll < 70 ? "feature.used" : Events[roll % Events.Length];
        var messageId = "lg-" + Interlocked.Increment(ref _sequence);
        var timestamp = DateTimeOffset.UtcNow.AddSeconds(-random.Next(30)); // SDKs flush every few seconds
        var feature = roll < 70 ? Features[random.Next(Features.Length)] : null;
        var url = roll < 70 ? null : "https://app.example.com/docs/page-" + random.Next(50);
        return new LoadEvent(name, "user-" + user, "acct-" + account, messageId, timestamp, feature, url, Plans[account % Plans.Length]);
    }
}
