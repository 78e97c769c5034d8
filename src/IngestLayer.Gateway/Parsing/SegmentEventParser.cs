using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Gateway.Security;

namespace IngestLayer.Gateway.Parsing;

/// <summary>
/// Segment's HTTP Tracking API: single calls (<c>/v1/track</c>, <c>/v1/identify</c>, ...) and
/// <c>/v1/batch</c>, with Segment's field names and its clock-skew correction through <c>sentAt</c>.
/// </summary>
public static class SegmentEventParser
{
    private static readonly Dictionary<string, EventKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["track"] = EventKind.Track,
        ["identify"] = EventKind.Identify,
        ["group"] = EventKind.Group,
        ["page"] = EventKind.Page,
        ["screen"] = EventKind.Screen,
        ["alias"] = EventKind.Alias,
    };

    /// <summary>The <c>writeKey</c> field some Segment clients put in the body instead of the Basic-auth header.</summary>
    public static string? BodyWriteKey(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("writeKey", out var key) && key.ValueKind == JsonValueKind.String ? key.GetString() : null;

    /// <summary>Parses a single call; <paramref name="kind"/> comes from the path.</summary>
    public static ParsedBatch ParseSingle(JsonElement root, EventKind kind, Source source, DateTimeOffset receivedAt, int maxEventBytes)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return ParsedBatch.Invalid($"The body must be a JSON object, got {JsonFields.Describe(root)}.");
        }

        var batch = new ParsedBatch();
        if (EventRules.Size(root) > maxEventBytes)
        {
            batch.Oversize = true;
            return batch;
        }

        Add(batch, 0, root, kind, null, source, receivedAt);
        return batch;
    }

    /// <summary>Parses <c>{"batch": [...], "sentAt": ..., "context": ...}</c>; each message names its <c>type</c>.</summary>
    public static ParsedBatch ParseBatch(JsonElement root, Source source, DateTimeOffset receivedAt, int maxEventBytes)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("batch", out var messages))
        {
            return ParsedBatch.Invalid("The body must be a JSON object with a 'batch' array of messages.");
        }

        if (messages.ValueKind != JsonValueKind.Array)
        {
            return ParsedBatch.Invalid($"'batch' must be an array of messages, got {JsonFields.Describe(messages)}.");
        }

        if (messages.GetArrayLength() == 0)
        {
            return ParsedBatch.Invalid("'batch' must hold at least one message.");
        }

        DateTimeOffset? sentAt;
        try
        {
            sentAt = JsonFields.Timestamp(root, "sentAt");
        }
        catch (FieldError error)
        {
            return ParsedBatch.Invalid($"'{error.Field}' {error.Message}.");
        }

        var batch = new ParsedBatch(messages.GetArrayLength());
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (EventRules.Size(message) is var size && size > maxEventBytes)
            {
                batch.Rejected.Add(new RejectedEvent(index, "", $"the message is {size} bytes; the limit is {maxEventBytes} (IngestLayer:MaxEventBytes)"));
            }
            else if (message.ValueKind != JsonValueKind.Object)
            {
                batch.Rejected.Add(new RejectedEvent(index, "", $"a message must be a JSON object, got {JsonFields.Describe(message)}"));
            }
            else
            {
                var type = message.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                if (type is null || !Kinds.TryGetValue(type, out var kind))
                {
                    batch.Rejected.Add(new RejectedEvent(index, "type", "must be one of track, identify, group, page, screen, alias"));
                }
                else
                {
                    Add(batch, index, message, kind, sentAt, source, receivedAt);
                }
            }

            index++;
        }

        return batch;
    }

    private static void Add(ParsedBatch batch, int index, JsonElement m, EventKind kind, DateTimeOffset? batchSentAt, Source source, DateTimeOffset receivedAt)
    {
        try
        {
            batch.Events.Add(ParseOne(m, kind, batchSentAt, source, receivedAt));
        }
        catch (FieldError error)
        {
            batch.Rejected.Add(new RejectedEvent(index, error.Field, error.Message));
        }
    }

    private static IngestEvent ParseOne(JsonElement m, EventKind kind, DateTimeOffset? batchSentAt, Source source, DateTimeOffset receivedAt)
    {
        var userId = JsonFields.Id(m, "userId", pooled: false); // see JsonFields.Strings
        var anonymousId = JsonFields.Id(m, "anonymousId", pooled: false);
        if (userId is null && anonymousId is null)
        {
            throw new FieldError("userId", "is required (or anonymousId)");
        }

        var (_, context) = JsonFields.Object(m, "context");
        var accountId = context is { } ctx ? JsonFields.Id(ctx, "groupId", "context.groupId") : null;
        var timestamp = EventRules.EventTime(JsonFields.Timestamp(m, "timestamp"), JsonFields.Timestamp(m, "sentAt") ?? batchSentAt, receivedAt);
        var e = new IngestEvent
        {
            Workspace = source.Workspace,
            Source = source.Name,
            MessageId = JsonFields.String(m, "messageId", JsonFields.MaxIdLength) ?? EventRules.NewMessageId(),
            Kind = kind,
            UserId = userId,
            AnonymousId = anonymousId,
            AccountId = accountId,
            Timestamp = timestamp,
            ReceivedAt = receivedAt,
        };

        switch (kind)
        {
            case EventKind.Track:
            {
                var name = JsonFields.String(m, "event", JsonFields.MaxNameLength) ?? throw new FieldError("event", "is required for track calls");
                var (raw, properties) = JsonFields.Object(m, "properties");
                var (feature, count, plan) = EventRules.Usage(name, properties);
                return e with { Name = name, Properties = raw, Feature = feature, Count = count, Plan = plan };
            }

            case EventKind.Page or EventKind.Screen:
            {
                var (raw, _) = JsonFields.Object(m, "properties");
                _ = JsonFields.String(m, "name", JsonFields.MaxNameLength);
                return e with { Name = kind == EventKind.Page ? "$pageview" : "$screen", Properties = raw };
            }

            case EventKind.Identify:
            {
                var (raw, traits) = JsonFields.Object(m, "traits");
                return e with { Name = "$identify", Properties = raw, Traits = JsonFields.Traits(traits) };
            }

            case EventKind.Group:
            {
                var groupId = JsonFields.Id(m, "groupId") ?? throw new FieldError("groupId", "is required for group calls");
                var (raw, traits) = JsonFields.Object(m, "traits");
                return e with { Name = "$group", AccountId = groupId, Properties = raw, Traits = JsonFields.Traits(traits) };
            }

            default:
            {
                if (userId is null)
                {
                    throw new FieldError("userId", "is required for alias calls");
                }

                var previousId = JsonFields.Id(m, "previousId") ?? throw new FieldError("previousId", "is required for alias calls");
                return e with { Name = "$alias", PreviousId = previousId };
            }
        }
    }
}
