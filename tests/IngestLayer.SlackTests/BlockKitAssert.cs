using System.Text.Json;
using IngestLayer.Slack;

namespace IngestLayer.SlackTests;

/// <summary>Asserts a message as Slack receives it (its JSON) against every Block Kit limit.</summary>
internal static class BlockKitAssert
{
    public static void WithinLimits(SlackMessage message) => WithinLimits(message.ToJson().GetProperty("blocks"), message.Text);

    public static void WithinLimits(JsonElement blocks, string? text)
    {
        Assert.InRange(text?.Length ?? 0, 0, BlockKitLimits.FallbackText);
        Assert.InRange(blocks.GetArrayLength(), 1, BlockKitLimits.BlocksPerMessage);
        var total = 0;
        foreach (var block in blocks.EnumerateArray())
        {
            switch (block.GetProperty("type").GetString())
            {
                case "header":
                    Assert.Equal("plain_text", block.GetProperty("text").GetProperty("type").GetString());
                    total += InRange(block.GetProperty("text"), BlockKitLimits.HeaderText);
                    break;
                case "section":
                    if (block.TryGetProperty("text", out var sectionText))
                    {
                        total += InRange(sectionText, BlockKitLimits.SectionText);
                    }

                    if (block.TryGetProperty("fields", out var fields))
                    {
                        Assert.InRange(fields.GetArrayLength(), 1, BlockKitLimits.SectionFields);
                        total += fields.EnumerateArray().Sum(f => InRange(f, BlockKitLimits.FieldText));
                    }

                    break;
                case "context":
                    var elements = block.GetProperty("elements");
                    Assert.InRange(elements.GetArrayLength(), 1, BlockKitLimits.ContextElements);
                    total += elements.EnumerateArray().Sum(e => InRange(e, BlockKitLimits.SectionText));
                    break;
                case "actions":
                    var buttons = block.GetProperty("elements");
                    Assert.InRange(buttons.GetArrayLength(), 1, 25);
                    total += buttons.EnumerateArray().Sum(b => InRange(b.GetProperty("text"), 75));
                    break;
                case "divider":
                    break;
                default:
                    Assert.Fail($"Unexpected block type {block.GetProperty("type")}.");
                    break;
            }
        }

        Assert.InRange(total, 1, BlockKitLimits.TotalBlockText);
    }

    /// <summary>The number N of the message's "…and N more" line (its last context block before any footer).</summary>
    public static int MoreCount(JsonElement blocks)
    {
        var line = blocks.EnumerateArray()
            .Where(b => b.GetProperty("type").GetString() == "context")
            .Select(b => b.GetProperty("elements")[0].GetProperty("text").GetString()!)
            .Single(t => t.StartsWith("…and ", StringComparison.Ordinal));
        return int.Parse(line["…and ".Length..line.IndexOf(" more", StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int InRange(JsonElement textObject, int max)
    {
        var length = textObject.GetProperty("text").GetString()!.Length;
        Assert.InRange(length, 1, max);
        return length;
    }
}
