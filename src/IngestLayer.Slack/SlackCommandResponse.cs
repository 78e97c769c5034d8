using System.Text.Json;

namespace IngestLayer.Slack;

/// <summary>
/// The JSON body a slash command is answered with: <c>ephemeral</c> (only the person who typed it sees it) or
/// <c>in_channel</c>; <see cref="Text"/> is the fallback for notifications and clients without Block Kit.
/// </summary>
public sealed record SlackCommandResponse(string ResponseType, string Text, IReadOnlyList<SlackBlock>? Blocks = null)
{
    public const string Ephemeral = "ephemeral";
    public const string InChannel = "in_channel";

    /// <summary>Only the caller sees it.</summary>
    public static SlackCommandResponse Private(string text, IReadOnlyList<SlackBlock>? blocks = null) => new(Ephemeral, text, blocks);

    /// <summary>The body as Slack receives it.</summary>
    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this, SlackJsonContext.Default.SlackCommandResponse);
}
