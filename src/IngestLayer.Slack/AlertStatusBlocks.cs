using System.Text.Json;
using System.Text.Json.Nodes;

namespace IngestLayer.Slack;

/// <summary>
/// Edits an alert message's blocks (as Slack sent them back with a click) to say who did what: one context block,
/// <see cref="AlertActions.StatusBlockId"/>, just above the buttons, gaining a line per action (the latest
/// <see cref="BlockKitLimits.ContextElements"/> kept). Everything else stays as it was, buttons included.
/// </summary>
public static class AlertStatusBlocks
{
    public static JsonElement WithStatus(JsonElement blocks, string mrkdwnLine)
    {
        var list = blocks.ValueKind == JsonValueKind.Array ? JsonNode.Parse(blocks.GetRawText())!.AsArray() : [];
        var line = new JsonObject { ["type"] = "mrkdwn", ["text"] = mrkdwnLine };

        var status = list.OfType<JsonObject>().FirstOrDefault(b => BlockId(b) == AlertActions.StatusBlockId);
        if (status is not null && status["elements"] is JsonArray elements)
        {
            elements.Add(line);
            while (elements.Count > BlockKitLimits.ContextElements)
            {
                elements.RemoveAt(0);
            }
        }
        else
        {
            var block = new JsonObject { ["type"] = "context", ["block_id"] = AlertActions.StatusBlockId, ["elements"] = new JsonArray(line) };
            var actions = list.OfType<JsonObject>().FirstOrDefault(b => BlockId(b) == AlertActions.BlockId);
            var at = actions is null ? list.Count : list.IndexOf(actions);
            if (list.Count >= BlockKitLimits.BlocksPerMessage && at > 0)
            {
                // A message already at the limit gives up the block above the buttons (its last evidence or its
                // context line): who acted matters more now, and Slack refuses a 51st block.
                list.RemoveAt(--at);
            }

            list.Insert(at, block);
        }

        return JsonSerializer.SerializeToElement(list, SlackJsonContext.Default.JsonArray);
    }

    private static string? BlockId(JsonObject block) =>
        block["block_id"] is JsonValue id && id.TryGetValue<string>(out var value) ? value : null;
}
