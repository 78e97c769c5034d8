namespace IngestLayer.Slack;

/// <summary>A channel of the installed Slack team, as <c>GET /ops/slack/channels</c> lists it.</summary>
/// <param name="Id">Slack's channel id (<c>C…</c>); usable wherever a channel name is.</param>
/// <param name="Name">The channel's name, without '#'.</param>
/// <param name="IsMember">Whether the bot is in the channel (else posting joins it first, for public channels).</param>
/// <param name="IsPrivate">Private channels are listed only when the bot is in them; the bot cannot join one by itself.</param>
public sealed record SlackChannel(string Id, string Name, bool IsMember, bool IsPrivate);

/// <summary>How listing a team's channels ended: the channels, or Slack's error as a delivery would see it.</summary>
public sealed record SlackChannelList(IReadOnlyList<SlackChannel>? Channels, SlackPostResult? Failure);
