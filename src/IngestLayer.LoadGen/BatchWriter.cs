using System.Buffers;
using System.Text.Json;

namespace IngestLayer.LoadGen;

/// <summary>Writes native-format batches (<c>{"events":[...]}</c>) of generated events for the HTTP targets.</summary>
internal sealed class BatchWriter(LoadOptions options, EventGenerator generator)
{
    public BatchWriter(LoadOptions options)
        : this(options, new EventGenerator(options))
    {
    }

    public byte[] Next(Random random)
    {
        var buffer = new ArrayBufferWriter<byte>(options.BatchSize * 220);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("events");
            for (var i = 0; i < options.BatchSize; i++)
            {
                var e = generator.Next(random);
                w.WriteStartObject();
                w.WriteString("event", e.Name);
                w.WriteString("user_id", e.UserId);
                w.WriteString("account_id", e.AccountId);
                w.WriteString("message_id", e.MessageId);
                w.WriteString("timestamp", e.Timestamp);
                w.WriteStartObject("properties");
                e.WriteProperties(w);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
