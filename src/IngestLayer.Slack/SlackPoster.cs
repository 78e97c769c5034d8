using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace IngestLayer.Slack;

/// <summary>
/// Posts as the bot of the alert's workspace (<see cref="ISlackTokenSource"/>). A token Slack says is dead marks its
/// installation inactive; a public channel the bot is not in is joined (<c>conversations.join</c>, once) and the
/// message posted again; when joining fails the result says why, for the operator hint.
/// </summary>
public sealed partial class SlackPoster(SlackClient client, ISlackTokenSource tokens, ILogger<SlackPoster> logger)
{
    /// <summary>What a failed join adds to <c>not_in_channel</c>'s detail, so the hint can name the fix.</summary>
    public const string JoinFailedPrefix = "conversations.join: ";

    /// <summary>Whether anything can be posted for <paramref name="workspace"/>: false means the dev inbox.</summary>
    public async ValueTask<bool> CanPostAsync(string workspace, CancellationToken cancellationToken) =>
        await tokens.GetAsync(workspace, cancellationToken) is not null;

    /// <summary>Posts <paramref name="message"/> for <paramref name="workspace"/>.</summary>
    public Task<SlackPostResult> PostAsync(string workspace, SlackMessage message, CancellationToken cancellationToken) =>
        AsBotAsync(workspace, async token =>
        {
            var result = await client.PostMessageAsync(message, token.Value, cancellationToken);
            return result is SlackPostResult.Permanent { Error: "not_in_channel" }
                ? await JoinAndPostAgainAsync(token, message, cancellationToken)
                : result;
        }, cancellationToken);

    /// <summary>Updates a message of <paramref name="workspace"/> with <c>chat.update</c> (only the bot that posted it may).</summary>
    public Task<SlackPostResult> UpdateAsync(string workspace, SlackMessageUpdate update, CancellationToken cancellationToken) =>
        AsBotAsync(workspace, token => client.UpdateMessageAsync(update, token.Value, cancellationToken), cancellationToken);

    // Calls Slack as the workspace's bot; a token Slack says is dead is reported, whichever call found out.
    private async Task<SlackPostResult> AsBotAsync(string workspace, Func<SlackCredential.Token, Task<SlackPostResult>> call, CancellationToken cancellationToken)
    {
        switch (await tokens.GetAsync(workspace, cancellationToken))
        {
            case null:
                return new SlackPostResult.Permanent("not_authed",
                    $"Workspace '{workspace}' has no Slack installation and Slack:BotToken is not set; install via GET /slack/install?workspace={workspace}.");
            case SlackCredential.Unusable unusable:
                return new SlackPostResult.Permanent(unusable.Error, unusable.Detail);
            case SlackCredential.Unavailable unavailable:
                return new SlackPostResult.Transient(unavailable.Error);
            case SlackCredential.Token token:
                var result = await call(token);
                if (result is SlackPostResult.Permanent { Error: var error })
                {
                    // The source decides which errors mean the token is dead (and the installation inactive).
                    await tokens.ReportRejectedAsync(token, error, cancellationToken);
                }

                return result;
            default:
                throw new InvalidOperationException("Unknown Slack credential.");
        }
    }

    private async Task<SlackPostResult> JoinAndPostAgainAsync(SlackCredential.Token token, SlackMessage message, CancellationToken cancellationToken)
    {
        var (channelId, problem) = await ResolveAsync(token, message.Channel, cancellationToken);
        if (channelId is null)
        {
            return new SlackPostResult.Permanent("not_in_channel", JoinFailedPrefix + problem);
        }

        var joinFailure = await client.JoinChannelAsync(token.Value, channelId, cancellationToken);
        switch (joinFailure)
        {
            case null:
                LogJoined(message.Channel, channelId);
                return await client.PostMessageAsync(message, token.Value, cancellationToken);
            case SlackPostResult.Permanent permanent:
                return new SlackPostResult.Permanent("not_in_channel", JoinFailedPrefix + permanent.Error);
            default:
                // Slack was unwell while joining: the whole attempt is retried later, join included.
                return joinFailure;
        }
    }

    // conversations.join takes an id; alerts name channels as operators do ("#ada-alerts"). Only public channels
    // can be joined, so only they are searched.
    private async Task<(string? Id, string Problem)> ResolveAsync(SlackCredential.Token token, string channel, CancellationToken cancellationToken)
    {
        if (ChannelIdPattern().IsMatch(channel))
        {
            return (channel, "");
        }

        var name = channel.TrimStart('#');
        var listed = await client.ListChannelsAsync(token.Value, "public_channel", cancellationToken);
        if (listed.Channels is null)
        {
            return (null, listed.Failure is SlackPostResult.Permanent { Error: var error } ? error : "conversations.list failed");
        }

        return listed.Channels.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal)) is { } found
            ? (found.Id, "")
            : (null, "not_a_public_channel");
    }

    [GeneratedRegex("^[CG][A-Z0-9]{6,}$")]
    private static partial Regex ChannelIdPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "The Slack bot joined {Channel} ({ChannelId}) to post there")]
    private partial void LogJoined(string channel, string channelId);
}
