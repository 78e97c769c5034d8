using System.Buffers;
using System.Text.Json;

namespace IngestLayer.LoadGen;

/// <summary>
/// Writes realistic native batches: users spread over accounts (user i belongs to account i mod N),
/// mostly <c>feature.used</c> with a feature key and plan, some pageviews and product events, each with
/// a unique message id so the gateway's dedupe does not short-circuit the work.
/// </summary>
internal sealed class BatchWriter(LoadOptions options)
{
    private static readonly string[] Features = ["csv.export", "api.access", "reports.schedule", "dashboard.share", "webhook.create", "sso.login", "audit.view", "alerts.create"];
    private static readonly string[] Events = ["$pageview", "insight created", "dashboard created", "team member invited", "experiment launched", "survey launched"];
    private static readonly string[] Plans = ["free", "pro", "enterprise"];
    private long _sequence;

    public byte[] Next(Random random)
    {
        var buffer = new ArrayBufferWriter<byte>(options.BatchSize * 220);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("events");
            for (var i = 0; i < options.BatchSize; i++)
            {
                var user = random.Next(options.Users);
                var account = user % options.Accounts;
                var roll = random.Next(100);
                w.WriteStartObject();
                w.WriteString("event", roll < 70 ? "feature.used" : Events[roll % Events.Length]);
                w.WriteString("user_id", "user-" + user);
                w.WriteString("account_id", "acct-" + account);
                w.WriteString("message_id", "lg-" + Interlocked.Increment(ref _sequence));
                w.WriteString("timestamp", DateTimeOffset.UtcNow.AddSeconds(-random.Next(30))); // SDKs flush every few seconds
                w.WriteStartObject("properties");
                if (roll < 70)
                {
                    w.WriteString("feature", Features[random.Next(Features.Length)]);
                    w.WriteNumber("count", 1);
                }
                else
                {
                    w.WriteString("url", "https://app.example.com/docs/page-" + random.Next(50));
                }

                w.WriteString("plan", Plans[account % Plans.Length]);
                w.WriteString("source", "loadgen");
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
