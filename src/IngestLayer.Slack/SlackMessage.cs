using System.Text.Json;

namespace IngestLayer.Slack;

/// <summary>
/// A <c>chat.postMessage</c> request. <see cref="Text"/> is the fallback shown in notifications and
/// by clients that cannot render <see cref="Blocks"/>.
/// </summary>
public sealed record SlackMessage(string Channel, string Text, IReadOnlyList<SlackBlock> Blocks, string? ThreadTs = null)
{
    /// <summary>The request body as Slack would receive it (a pipeline test shows it).</summary>
    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this, SlackJsonContext.Default.SlackMessage);
}
