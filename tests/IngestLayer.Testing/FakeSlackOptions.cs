namespace IngestLayer.Testing;

/// <summary>How a <see cref="FakeSlack"/> behaves: the token it accepts and the channels it knows.</summary>
public sealed class FakeSlackOptions
{
    public string BotToken { get; set; } = "xoxb-fake-slack-token";

    /// <summary>Channel names (with or without '#') the bot can post to.</summary>
    public ICollection<string> Channels { get; } = ["alerts"];

    /// <summary>Channel names that exist but the bot is not a member of: posting answers <c>not_in_channel</c>.</summary>
    public ICollection<string> ChannelsWithoutBot { get; } = [];

    public string TeamId { get; set; } = "T0FAKESLACK";
    public string Team { get; set; } = "Fake Slack";
    public string BotUserId { get; set; } = "U0FAKEBOT";
    public string BotUser { get; set; } = "ingestlayer";
}
