using System.Text.Json;

namespace IngestLayer.Gateway.SlackApp;

/// <summary>
/// What the app reads from an interaction payload (the <c>payload</c> form field): its type, the first action (a click
/// sends one), who clicked, and the message it was on (channel, ts, text and blocks, for <c>chat.update</c>).
/// </summary>
public sealed record BlockActionsPayload(
    string Type,
    string TeamId,
    string ActionId,
    string? Value,
    string UserId,
    string UserName,
    string? ChannelId,
    string? MessageTs,
    string? MessageText,
    JsonElement? MessageBlocks)
{
    public const string BlockActions = "block_actions";

    /// <summary>Parses <paramref name="json"/>; null when it is not a JSON object with a type (or, for block_actions, without an action and a user).</summary>
    public static BlockActionsPayload? TryParse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "type") is not { } type)
            {
                return null;
            }

            if (type != BlockActions)
            {
                return new BlockActionsPayload(type, "", "", null, "", "", null, null, null, null);
            }

            if (!root.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0
                || actions[0].ValueKind != JsonValueKind.Object || Text(actions[0], "action_id") is not { } actionId
                || !root.TryGetProperty("user", out var user) || user.ValueKind != JsonValueKind.Object || Text(user, "id") is not { } userId)
            {
                return null;
            }

            var container = root.TryGetProperty("container", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
            var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
            var channel = root.TryGetProperty("channel", out var ch) && ch.ValueKind == JsonValueKind.Object ? ch : default;
            var team = root.TryGetProperty("team", out var t) && t.ValueKind == JsonValueKind.Object ? t : default;
            return new BlockActionsPayload(
                type,
                Text(team, "id") ?? Text(user, "team_id") ?? "",
                actionId,
                Text(actions[0], "value"),
                userId,
                Text(user, "username") ?? Text(user, "name") ?? userId,
                Text(container, "channel_id") ?? Text(channel, "id"),
                Text(container, "message_ts") ?? Text(message, "ts"),
                Text(message, "text"),
                message.ValueKind == JsonValueKind.Object && message.TryGetProperty("blocks", out var blocks) && blocks.ValueKind == JsonValueKind.Array
                    ? blocks.Clone()
                    : null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } text
            ? text
            : null;
}
