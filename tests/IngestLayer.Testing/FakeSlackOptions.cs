namespace IngestLayer.Testing;

/// <summary>How a <see cref="FakeSlack"/> behaves: the token it accepts, the channels it knows, and the Slack app it installs.</summary>
public sealed class FakeSlackOptions
{
    public string BotToken { get; set; } = "xoxb-fake-slack-token";

    /// <summary>
    /// The scopes of <see cref="BotToken"/>, comma-separated. Without <c>chat:write.public</c>, so posting to a channel
    /// the bot is not in answers <c>not_in_channel</c> (and the bot can join it with <c>channels:join</c>).
    /// </summary>
    public string BotTokenScopes { get; set; } = "chat:write,channels:read,channels:join";

    /// <summary>The Slack app's client id, checked by the authorize step and <c>oauth.v2.access</c>.</summary>
    public string ClientId { get; set; } = "1111111111.2222222222";

    /// <summary>The Slack app's client secret, checked by <c>oauth.v2.access</c> (HTTP Basic).</summary>
    public string ClientSecret { get; set; } = "fake-client-secret-0123456789";

    public string AppId { get; set; } = "A0FAKEAPP";

    /// <summary>With a value, installs use token rotation: tokens expire after it and come with a refresh token.</summary>
    public TimeSpan? TokenLifetime { get; set; }

    /// <summary>Channel names (with or without '#') the bot can post to.</summary>
    public ICollection<string> Channels { get; } = ["alerts"];

    /// <summary>Channel names that exist but the bot is not a member of: posting answers <c>not_in_channel</c>.</summary>
    public ICollection<string> ChannelsWithoutBot { get; } = [];

    /// <summary>Private channels the bot is not in: posting answers <c>not_in_channel</c>, joining <c>method_not_supported_for_channel_type</c>.</summary>
    public ICollection<string> PrivateChannels { get; } = [];

    public string TeamId { get; set; } = "T0FAKESLACK";
    public string Team { get; set; } = "Fake Slack";
    public string BotUserId { get; set; } = "U0FAKEBOT";
    public string BotUser { get; set; } = "ingestlayer";
}
