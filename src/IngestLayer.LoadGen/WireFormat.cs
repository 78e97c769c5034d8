using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace IngestLayer.LoadGen;

/// <summary>
/// One way SDKs send a batch: the native <c>{"events":[...]}</c> to <c>/v1/events</c> (bearer write key), Segment's
/// <c>{"batch":[...]}</c> to <c>/v1/batch</c> (write key as Basic user name, as analytics-node sends it) or PostHog's
/// <c>{"api_key","batch":[...]}</c> to <c>/batch/</c> (key in the body, as posthog-node sends it). The same generated
/// events in each, so the formats differ only in what the gateway must parse.
/// </summary>
internal sealed class WireFormat(string name, string path, int batchSize, EventGenerator generator, string writeKey)
{
    public const string Native = "native";
    public const string Segment = "segment";
    public const string PostHog = "posthog";

    public static readonly string[] All = [Native, Segment, PostHog];

    public string Name { get; } = name;

    public string Path { get; } = path;

    public int BatchSize { get; } = batchSize;

    public static WireFormat Create(string name, int batchSize, EventGenerator generator, string writeKey) => name switch
    {
        Native => new(name, "/v1/events", batchSize, generator, writeKey),
        Segment => new(name, "/v1/batch", batchSize, generator, writeKey),
        PostHog => new(name, "/batch/", batchSize, generator, writeKey),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "native, segment or posthog"),
    };

    /// <summary>The header the format's SDK sends (PostHog sends none: its key is in the body, but a bearer does no harm to the ceiling).</summary>
    public AuthenticationHeaderValue? Authorization(string key) => Name switch
    {
        Segment => new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":"))),
        PostHog => null,
        _ => new AuthenticationHeaderValue("Bearer", key),
    };

    public byte[] Next(Random random)
    {
        var buffer = new ArrayBufferWriter<byte>(BatchSize * 260);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (Name == PostHog)
            {
                w.WriteString("api_key", writeKey);
            }

            w.WriteStartArray(Name == Native ? "events" : "batch");
            for (var i = 0; i < BatchSize; i++)
            {
                var e = generator.Next(random);
                w.WriteStartObject();
                switch (Name)
                {
                    case Native:
                        WriteTrack(w, e, "user_id", "message_id");
                        w.WriteString("account_id", e.AccountId);
                        break;
                    case Segment:
                        w.WriteString("type", "track");
                        WriteTrack(w, e, "userId", "messageId");
                        w.WriteStartObject("context");
                        w.WriteString("groupId", e.AccountId);
                        w.WriteStartObject("library");
                        w.WriteString("name", "@segment/analytics-node");
                        w.WriteString("version", "2.1.0");
                        w.WriteEndObject();
                        w.WriteEndObject();
                        break;
                    default:
                        w.WriteString("event", e.Name);
                        w.WriteString("distinct_id", e.UserId);
                        w.WriteString("uuid", Guid.NewGuid());
                        w.WriteString("timestamp", e.Timestamp);
                        w.WriteStartObject("properties");
                        e.WriteProperties(w);
                        w.WriteStartObject("$groups");
                        w.WriteString("organization", e.AccountId);
                        w.WriteEndObject();
                        w.WriteString("$lib", "posthog-node");
                        w.WriteEndObject();
                        break;
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The fields the native and Segment formats share but for the names of the user and message ids.</summary>
    private static void WriteTrack(Utf8JsonWriter w, LoadEvent e, string userId, string messageId)
    {
        w.WriteString("event", e.Name);
        w.WriteString(userId, e.UserId);
        w.WriteString(messageId, e.MessageId);
        w.WriteString("timestamp", e.Timestamp);
        w.WriteStartObject("properties");
        e.WriteProperties(w);
        w.WriteEndObject();
    }
}
