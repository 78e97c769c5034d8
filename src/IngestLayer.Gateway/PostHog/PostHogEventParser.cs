using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Gateway.Parsing;
using IngestLayer.Gateway.Security;

namespace IngestLayer.Gateway.PostHog;

/// <summary>
/// PostHog's capture format: one event, an array of events, or <c>{"api_key", "batch": [...], "sent_at"}</c>
/// (posthog-node). Each event has <c>event</c>, <c>distinct_id</c>, <c>properties</c>, <c>timestamp</c> and
/// <c>uuid</c>; the account is <c>properties.$groups.&lt;group type&gt;</c>. <c>$identify</c> and <c>$set</c> set
/// the user's traits from <c>$set</c>, <c>$groupidentify</c> the account's from <c>$group_set</c>.
/// </summary>
public static class PostHogEventParser
{
    /// <summary>
    /// The project key, where PostHog's server looks for it: <c>api_key</c> or <c>token</c> on the request,
    /// else on the first event (top level, or <c>properties.token</c> as posthog-js puts it).
    /// </summary>
    public static string? BodyApiKey(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object && KeyOf(root) is { } key)
        {
            return key;
        }

        var events = Events(root);
        if (events is { ValueKind: JsonValueKind.Array } array && array.GetArrayLength() > 0)
        {
            return KeyOf(array[0]) ?? PropertiesToken(array[0]);
        }

        // A single event: the request and the event are one object, already looked at.
        return root.ValueKind == JsonValueKind.Object ? PropertiesToken(root) : null;
    }

    /// <summary>Parses any of PostHog's request shapes.</summary>
    /// <param name="root">The decoded body.</param>
    /// <param name="source">The source the project key resolved to.</param>
    /// <param name="receivedAt">Now, for clock-skew correction and defaults.</param>
    /// <param name="maxEventBytes">Largest event.</param>
    /// <param name="groupType">The group type whose key is the account (<see cref="PostHogOptions.GroupType"/>).</param>
    /// <param name="querySentAt">posthog-js's <c>?_=</c> (ms since the epoch): when the request was sent, if the body does not say.</param>
    public static ParsedBatch Parse(JsonElement root, Source source, DateTimeOffset receivedAt, int maxEventBytes, string groupType, DateTimeOffset? querySentAt = null)
    {
        if (root.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            return ParsedBatch.Invalid($"The body must be an event, an array of events or {{\"batch\": [...]}}, got {JsonFields.Describe(root)}.");
        }

        var sentAt = querySentAt;
        if (root.ValueKind == JsonValueKind.Object)
        {
            try
            {
                sentAt = JsonFields.Timestamp(root, "sent_at") ?? querySentAt;
            }
            catch (FieldError error)
            {
                return ParsedBatch.Invalid($"'{error.Field}' {error.Message}.");
            }
        }

        var context = new Context(source, receivedAt, groupType, BodyApiKey(root), sentAt);

        if (Events(root) is not { } events)
        {
            return ParsedBatch.OfOne(root, maxEventBytes, context, ParseOne);
        }

        if (events.ValueKind != JsonValueKind.Array)
        {
            return ParsedBatch.Invalid($"'batch' must be an array of events, got {JsonFields.Describe(events)}.");
        }

        return events.GetArrayLength() == 0
            ? ParsedBatch.Invalid("The request must hold at least one event.")
            : ParsedBatch.OfArray(events, maxEventBytes, context, ParseOne);
    }

    /// <summary>What every event of a request shares; <c>SentAt</c> is the request's <c>sent_at</c>, else posthog-js's <c>?_=</c>.</summary>
    private sealed record Context(Source Source, DateTimeOffset ReceivedAt, string GroupType, string? ApiKey, DateTimeOffset? SentAt);

    /// <summary>The request's events when it is a batch (<c>batch</c>, or a bare array); null for a single event.</summary>
    private static JsonElement? Events(JsonElement root) =>
        root.ValueKind == JsonValueKind.Array ? root
        : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("batch", out var batch) ? batch
        : null;

    private static string? KeyOf(JsonElement e) =>
        e.ValueKind != JsonValueKind.Object ? null
        : e.TryGetProperty("api_key", out var key) && key.ValueKind == JsonValueKind.String ? key.GetString()
        : e.TryGetProperty("token", out key) && key.ValueKind == JsonValueKind.String ? key.GetString()
        : null;

    private static string? PropertiesToken(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
        && p.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String
            ? token.GetString()
            : null;

    private static IngestEvent ParseOne(JsonElement e, Context context)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new FieldError("", $"an event must be a JSON object, got {JsonFields.Describe(e)}");
        }

        // Events are stored under the source their key resolved to; one carrying another project's key
        // would land in the wrong workspace, so it is refused (PostHog refuses the whole request).
        if ((KeyOf(e) ?? PropertiesToken(e)) is { } key && context.ApiKey is { } requestKey && key != requestKey)
        {
            throw new FieldError("api_key", "differs from the request's project key; send one project's events per request");
        }

        var name = JsonFields.String(e, "event", JsonFields.MaxNameLength) ?? throw new FieldError("event", "is required (the event name, e.g. \"$pageview\")");
        var (raw, properties) = JsonFields.Object(e, "properties");
        var distinctId = JsonFields.Id(e, "distinct_id", pooled: false)
            ?? JsonFields.Id(e, "$distinct_id", pooled: false)
            ?? (properties is { } p ? JsonFields.Id(p, "distinct_id", "properties.distinct_id", pooled: false) : null)
            ?? throw new FieldError("distinct_id", "is required (top level or in properties)");

        // Events sent with person processing off (posthog-js's anonymous visitors) belong to no known user.
        var anonymous = properties is { } props && props.TryGetProperty("$process_person_profile", out var process) && process.ValueKind == JsonValueKind.False;
        var common = new IngestEvent
        {
            Workspace = context.Source.Workspace,
            Source = context.Source.Name,
            // Unique per event: pooling would only evict names that repeat.
            MessageId = (e.TryGetProperty("uuid", out var uuid) ? JsonFields.ReadString(uuid, JsonFields.MaxIdLength, "uuid", pooled: false) : null)
                ?? EventRules.NewMessageId(),
            Name = name,
            UserId = anonymous ? null : distinctId,
            AnonymousId = anonymous ? distinctId : null,
            AccountId = properties is { } withGroups ? Account(withGroups, context.GroupType) : null,
            Timestamp = EventTime(e, properties, context),
            ReceivedAt = context.ReceivedAt,
            Properties = raw,
        };

        switch (name)
        {
            case "$identify" or "$set":
                return common with { Kind = EventKind.Identify, Traits = JsonFields.Traits(PersonProperties(e, properties)) };

            case "$groupidentify":
                return GroupIdentify(common, properties, context.GroupType);

            case "$create_alias":
            {
                var alias = (properties is { } a ? JsonFields.Id(a, "alias", "properties.alias", pooled: false) : null)
                    ?? throw new FieldError("properties.alias", "is required for $create_alias");
                return common with { Kind = EventKind.Alias, UserId = distinctId, AnonymousId = null, PreviousId = alias };
            }

            case "$pageview":
                return common with { Kind = EventKind.Page };

            case "$screen":
                return common with { Kind = EventKind.Screen };

            default:
            {
                var (feature, count, plan) = EventRules.Usage(name, properties);
                return common with { Kind = EventKind.Track, Feature = feature, Count = count, Plan = plan };
            }
        }
    }

    /// <summary><c>$groups.&lt;type&gt;</c>: the account, when the event names a group of the configured type.</summary>
    private static string? Account(JsonElement properties, string groupType)
    {
        if (!properties.TryGetProperty("$groups", out var groups) || groups.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (groups.ValueKind != JsonValueKind.Object)
        {
            throw new FieldError("properties.$groups", $"must be an object of group type to group key, got {JsonFields.Describe(groups)}");
        }

        return JsonFields.Id(groups, groupType, "properties.$groups." + groupType);
    }

    /// <summary>Person properties to set: <c>$set</c> at the top level (posthog-js) or in properties (posthog-node).</summary>
    private static JsonElement? PersonProperties(JsonElement e, JsonElement? properties)
    {
        if (JsonFields.Object(e, "$set").Element is { } top)
        {
            return top;
        }

        return properties is { } p ? JsonFields.Object(p, "$set", "properties.$set").Element : null;
    }

    private static IngestEvent GroupIdentify(IngestEvent e, JsonElement? properties, string groupType)
    {
        if (properties is not { } p)
        {
            throw new FieldError("properties.$group_type", "is required for $groupidentify");
        }

        var type = JsonFields.String(p, "$group_type", JsonFields.MaxNameLength, "properties.$group_type")
            ?? throw new FieldError("properties.$group_type", "is required for $groupidentify");
        if (type != groupType)
        {
            throw new FieldError("properties.$group_type", $"is '{type}'; only '{groupType}' groups are accounts here (IngestLayer:PostHog:GroupType)");
        }

        var key = JsonFields.Id(p, "$group_key", "properties.$group_key") ?? throw new FieldError("properties.$group_key", "is required for $groupidentify");
        var (_, traits) = JsonFields.Object(p, "$group_set", "properties.$group_set");

        // SDKs send "$<type>_<key>" when no user made the call: that is the group itself, not a member of it.
        var byGroupItself = e.UserId == $"${type}_{key}";
        return e with
        {
            Kind = EventKind.Group,
            AccountId = key,
            UserId = byGroupItself ? null : e.UserId,
            AnonymousId = byGroupItself ? e.UserId : e.AnonymousId,
            Traits = JsonFields.Traits(traits),
        };
    }

    /// <summary>
    /// PostHog's clock-skew correction: <c>offset</c> (ms before sending) wins; else a <c>timestamp</c> is moved
    /// by the difference between our clock and the client's <c>sent_at</c>, unless <c>$ignore_sent_at</c>.
    /// </summary>
    private static DateTimeOffset EventTime(JsonElement e, JsonElement? properties, Context context)
    {
        if (e.TryGetProperty("offset", out var offset) && offset.ValueKind != JsonValueKind.Null)
        {
            return offset.ValueKind == JsonValueKind.Number && offset.TryGetInt64(out var ms) && ms is >= 0 and <= 366L * 24 * 3600 * 1000
                ? context.ReceivedAt.AddMilliseconds(-ms)
                : throw new FieldError("offset", "must be a whole number of milliseconds, from 0 to a year");
        }

        var timestamp = JsonFields.Timestamp(e, "timestamp");
        var ignoreSentAt = properties is { } p && p.TryGetProperty("$ignore_sent_at", out var ignore) && ignore.ValueKind == JsonValueKind.True;
        var sentAt = ignoreSentAt ? null : JsonFields.Timestamp(e, "sent_at") ?? context.SentAt;
        return EventRules.EventTime(timestamp, sentAt, context.ReceivedAt);
    }
}
