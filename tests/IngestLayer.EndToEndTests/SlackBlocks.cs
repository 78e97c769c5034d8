using System.Text.Json.Nodes;

namespace IngestLayer.EndToEndTests;

/// <summary>Reads Block Kit JSON as a person would: every text in it, one per line (JSON escaping aside).</summary>
internal static class SlackBlocks
{
    public static string Text(JsonNode? blocks)
    {
        var texts = new List<string>();
        Collect(blocks, texts);
        return string.Join("\n", texts);
    }

    private static void Collect(JsonNode? node, List<string> texts)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, texts);
                }

                break;
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key is "text" or "url" or "value" && value is JsonValue v && v.TryGetValue<string>(out var text))
                    {
                        texts.Add(text);
                    }
                    else
                    {
                        Collect(value, texts);
                    }
                }

                break;
        }
    }
}
