using System.Buffers;
using System.Text.Json;

namespace IngestLayer.Client;

/// <summary>
/// Renders events in the native format. Each event is rendered once, when it is enqueued: later changes to the
/// caller's properties object do not leak into it, its size is known for batching, and a retry resends the same bytes.
/// </summary>
internal static class EventJson
{
    private static readonly JsonSerializerOptions PropertiesOptions = new(JsonSerializerDefaults.General);

    public static byte[] Render(IngestLayerEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("event", e.Event);
            WriteIfSet(w, "user_id", e.UserId);
            WriteIfSet(w, "anonymous_id", e.AnonymousId);
            WriteIfSet(w, "account_id", e.AccountId);
            if (e.Timestamp is { } timestamp)
            {
                w.WriteString("timestamp", timestamp);
            }

            WriteIfSet(w, "message_id", e.MessageId);
            if (e.Properties is { } properties)
            {
                w.WritePropertyName("properties");
                JsonSerializer.Serialize(w, properties, properties.GetType(), PropertiesOptions);
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The request body for a batch: <c>{"events":[...]}</c> around the pre-rendered events.</summary>
    public static byte[] Batch(IReadOnlyList<PendingEvent> events)
    {
        var size = BatchOverhead + Math.Max(0, events.Count - 1);
        foreach (var e in events)
        {
            size += e.Json.Length;
        }

        var body = new byte[size];
        var span = body.AsSpan();
        "{\"events\":["u8.CopyTo(span);
        var at = 11;
        for (var i = 0; i < events.Count; i++)
        {
            if (i > 0)
            {
                body[at++] = (byte)',';
            }

            events[i].Json.CopyTo(span[at..]);
            at += events[i].Json.Length;
        }

        "]}"u8.CopyTo(span[at..]);
        return body;
    }

    /// <summary>Bytes an event adds to a batch body (its JSON and a comma).</summary>
    public static int BatchCost(PendingEvent e) => e.Json.Length + 1;

    /// <summary>Bytes of a batch body around its events.</summary>
    public const int BatchOverhead = 13;

    private static void WriteIfSet(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
