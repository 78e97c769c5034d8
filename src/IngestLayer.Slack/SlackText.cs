namespace IngestLayer.Slack;

/// <summary>A Block Kit text object: <c>plain_text</c> (shown as is) or <c>mrkdwn</c> (Slack's markup; escape user values).</summary>
public sealed record SlackText(string Type, string Text)
{
    public static SlackText Plain(string text) => new("plain_text", text);

    public static SlackText Mrkdwn(string text) => new("mrkdwn", text);
}
