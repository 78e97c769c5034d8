using System.Buffers;
using System.Text;
using System.Text.Json;
using IngestLayer.Contracts.Live;

namespace IngestLayer.Gateway.Live;

/// <summary>
/// Server-sent event frames of the live feeds: <c>event: &lt;type&gt;</c>, one <c>data:</c> line of compact JSON
/// (snake_case, like the rest of the API), a blank line. Properties are re-written compact, since a raw line break
/// in them would end the data line.
/// </summary>
internal static class LiveFrames
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] FrameEnd = "\n\n"u8.ToArray();

    // Read in terminals: non-ASCII names stay readable. Safe here: the JSON never lands in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Ready(IBufferWriter<byte> output, string feed, string workspace, string key, string? filter) =>
        Frame(output, "ready", w =>
        {
            w.WriteString("feed", feed);
            w.WriteString("workspace", workspace);
            w.WriteString(feed == "account" ? "account_id" : "owner", key);
            w.WriteString("filter", filter);
        });

    public static void Event(IBufferWriter<byte> output, LiveAccount account, LiveEvent e) =>
        Frame(output, "event", w =>
        {
            Account(w, account);
            w.WriteString("name", e.Name);
            w.WriteString("kind", KindName(e.Kind));
            w.WriteString("feature", e.Feature);
            w.WriteNumber("count", e.Count);
            w.WriteString("user_id", e.UserId);
            w.WriteString("anonymous_id", e.AnonymousId);
            w.WriteString("timestamp", e.Timestamp);
            w.WriteString("message_id", e.MessageId);
            if (e.Traits is { Count: > 0 } traits)
            {
                w.WriteStartObject("traits");
                foreach (var (key, value) in traits)
                {
                    w.WriteString(key, value);
                }

                w.WriteEndObject();
            }

            w.WritePropertyName("properties");
            if (e.PropertiesJson is { } json)
            {
                using var doc = JsonDocument.Parse(json);
                doc.WriteTo(w);
            }
            else
            {
                w.WriteNullValue();
            }

            w.WriteBoolean("properties_truncated", e.PropertiesTruncated);
        });

    public static void Alert(IBufferWriter<byte> output, LiveAccount account, LiveAlert a) =>
        Frame(output, "alert", w =>
        {
            Account(w, account);
            w.WriteString("alert_id", a.AlertId);
            w.WriteString("rule", a.Rule);
            w.WriteString("signal", a.Signal);
            w.WriteString("category", a.Category);
            w.WriteString("severity", a.Severity);
            w.WriteString("title", a.Title);
            w.WriteString("explanation", a.Explanation);
            w.WriteString("subject", a.Subject);
            w.WriteStartArray("evidence");
            foreach (var item in a.Evidence)
            {
                w.WriteStartObject();
                w.WriteString("label", item.Label);
                w.WriteString("value", item.Value);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("fired_at", a.FiredAt);
            if (a.SnoozedUntil is { } until)
            {
                w.WriteString("snoozed_until", until);
            }
            else
            {
                w.WriteNull("snoozed_until");
            }
        });

    /// <summary>Events of a batch past <see cref="LiveStreams.MaxEventsPerBatch"/>: not shown, counted.</summary>
    public static void Omitted(IBufferWriter<byte> output, LiveAccount account, int count) =>
        Frame(output, "omitted", w =>
        {
            Account(w, account);
            w.WriteNumber("count", count);
        });

    /// <summary>Batches a publishing host left out because this feed's pending list there was full.</summary>
    public static void Discarded(IBufferWriter<byte> output, int batches) =>
        Frame(output, "omitted", w => w.WriteNumber("batches", batches));

    public static void Dropped(IBufferWriter<byte> output, int capacity) =>
        Frame(output, "dropped", w =>
        {
            w.WriteString("reason", $"the subscriber fell {capacity} batches behind; reconnect to resume (events meanwhile are not replayed)");
            w.WriteNumber("buffer_capacity", capacity);
        });

    /// <summary>The last frame of a feed whose stream ended on the server's side (not a drop): reconnect to go on.</summary>
    public static void Ended(IBufferWriter<byte> output) =>
        Frame(output, "ended", w => w.WriteString("reason", "the feed's stream ended on the server; reconnect to resume (events meanwhile are not replayed)"));

    /// <summary>A comment line: ignored by SSE clients, keeps the connection visibly alive.</summary>
    public static void Heartbeat(IBufferWriter<byte> output) => output.Write(": heartbeat\n\n"u8);

    private static void Account(Utf8JsonWriter w, LiveAccount account)
    {
        w.WriteString("workspace", account.Workspace);
        w.WriteString("account_id", account.AccountId);
        w.WriteString("account_name", account.Name);
        w.WriteString("plan", account.Plan);
        w.WriteString("owner", account.Owner);
    }

    private static void Frame(IBufferWriter<byte> output, string type, Action<Utf8JsonWriter> body)
    {
        output.Write(Encoding.UTF8.GetBytes("event: " + type + "\n"));
        output.Write(DataPrefix);
        using (var w = new Utf8JsonWriter(output, WriterOptions))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        output.Write(FrameEnd);
    }

    private static string KindName(Contracts.EventKind kind) => kind switch
    {
        Contracts.EventKind.Track => "track",
        Contracts.EventKind.Identify => "identify",
        Contracts.EventKind.Group => "group",
        Contracts.EventKind.Page => "page",
        Contracts.EventKind.Screen => "screen",
        Contracts.EventKind.Alias => "alias",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
