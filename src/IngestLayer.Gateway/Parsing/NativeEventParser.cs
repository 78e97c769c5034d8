using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Gateway.Security;

namespace IngestLayer.Gateway.Parsing;

/// <summary>
/// The native format of <c>POST /v1/events</c>: one event, or <c>{"events": [...]}</c>, with fields
/// <c>event</c>, <c>user_id</c>/<c>anonymous_id</c>, <c>account_id</c>, <c>timestamp</c>, <c>message_id</c>, <c>properties</c>.
/// </summary>
public static class NativeEventParser
{
    public static ParsedBatch Parse(JsonElement root, Source source, DateTimeOffset receivedAt, int maxEventBytes)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return ParsedBatch.Invalid($"The body must be a JSON object (one event, or {{\"events\": [...]}}), got {JsonFields.Describe(root)}.");
        }

        if (!root.TryGetProperty("events", out var events))
        {
            return ParsedBatch.OfOne(root, maxEventBytes, (source, receivedAt), static (e, c) => ParseOne(e, c.source, c.receivedAt));
        }

        if (events.ValueKind != JsonValueKind.Array)
        {
            return ParsedBatch.Invalid($"'events' must be an array of events, got {JsonFields.Describe(events)}.");
        }

        return events.GetArrayLength() == 0
            ? ParsedBatch.Invalid("'events' must hold at least one event.")
            : ParsedBatch.OfArray(events, maxEventBytes, (source, receivedAt), static (e, c) => ParseOne(e, c.source, c.receivedAt));
    }

    private static IngestEvent ParseOne(JsonElement e, Source source, DateTimeOffset receivedAt)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new FieldError("", $"an event must be a JSON object, got {JsonFields.Describe(e)}");
        }

        // One pass over the event's fields: this runs for every event, so no repeated lookups by name.
        string? name = null, userId = null, anonymousId = null, accountId = null, messageId = null;
        DateTimeOffset? timestamp = null;
        (ReadOnlyMemory<byte> Raw, JsonElement? Element) properties = (JsonFields.EmptyObject, null);
        foreach (var field in e.EnumerateObject())
        {
            var v = field.Value;
            if (field.NameEquals("event"u8)) name = JsonFields.ReadString(v, JsonFields.MaxNameLength, "event");
            else if (field.NameEquals("user_id"u8)) userId = JsonFields.ReadId(v, "user_id", pooled: false); // see JsonFields.Strings
            else if (field.NameEquals("account_id"u8)) accountId = JsonFields.ReadId(v, "account_id");
            else if (field.NameEquals("properties"u8)) properties = JsonFields.ReadObject(v, "properties");
            else if (field.NameEquals("message_id"u8)) messageId = JsonFields.ReadString(v, JsonFields.MaxIdLength, "message_id", pooled: false); // unique: pooling would only evict
            else if (field.NameEquals("timestamp"u8)) timestamp = JsonFields.ReadTimestamp(v, "timestamp");
            else if (field.NameEquals("anonymous_id"u8)) anonymousId = JsonFields.ReadId(v, "anonymous_id", pooled: false);
        }

        if (name is null)
        {
            throw new FieldError("event", "is required (the event name, e.g. \"feature.used\")");
        }

        if (userId is null && anonymousId is null)
        {
            throw new FieldError("user_id", "is required (or anonymous_id for a visitor not yet identified)");
        }

        var (feature, count, plan) = EventRules.Usage(name, properties.Element);
        return new IngestEvent
        {
            Workspace = source.Workspace,
            Source = source.Name,
            MessageId = messageId ?? EventRules.NewMessageId(),
            Kind = EventKind.Track,
            Name = name,
            UserId = userId,
            AnonymousId = anonymousId,
            AccountId = accountId,
            Timestamp = timestamp ?? receivedAt,
            ReceivedAt = receivedAt,
            Feature = feature,
            Count = count,
            Plan = plan,
            Properties = properties.Raw,
        };
    }
}
