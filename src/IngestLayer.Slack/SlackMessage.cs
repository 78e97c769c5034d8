namespace IngestLayer.Slack;

/// <summary>
/// A <c>chat.postMessage</c> request. <see cref="Text"/> is the fallback shown in notifications and
/// by clients that cannot render <see cref="Blocks"/>.
/// </summary>
public sealed record SlackMessage(string Channel, string Text, IReadOnlyList<SlackBlock> Blocks, string? ThreadTs = null);
