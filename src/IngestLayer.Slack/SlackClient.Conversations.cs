using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;

namespace IngestLayer.Slack;

public sealed partial class SlackClient
{
    /// <summary>Page size asked of <c>conversations.list</c>; Slack recommends no more than 200.</summary>
    internal const int ChannelPageSize = 200;

    /// <summary>A bound on pages followed, so a cursor that never ends cannot keep a request (or a delivery) forever.</summary>
    internal const int MaxChannelPages = 100;

    /// <summary>
    /// Every channel of the team that <paramref name="types"/> names (<c>public_channel</c>, <c>private_channel</c>),
    /// archived ones left out, following <c>response_metadata.next_cursor</c> page by page.
    /// </summary>
    public async Task<SlackChannelList> ListChannelsAsync(string botToken, string types, CancellationToken cancellationToken)
    {
        var channels = new List<SlackChannel>();
        string? cursor = null;
        for (var page = 0; page < MaxChannelPages; page++)
        {
            var query = $"conversations.list?types={Uri.EscapeDataString(types)}&exclude_archived=true&limit={ChannelPageSize}"
                + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(options.CurrentValue.ApiBaseUrl), query));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", botToken);
            var (body, failure) = await CallAsync(request, "conversations.list", types, SlackJsonContext.Default.SlackConversationsResponse, cancellationToken);
            if (failure is not null)
            {
                return new SlackChannelList(null, failure);
            }

            channels.AddRange(body!.Channels?.Where(c => !c.IsArchived).Select(c => new SlackChannel(c.Id, c.Name ?? c.Id, c.IsMember, c.IsPrivate)) ?? []);
            cursor = body.ResponseMetadata?.NextCursor;
            if (string.IsNullOrEmpty(cursor))
            {
                return new SlackChannelList(channels, null);
            }
        }

        LogTooManyPages(MaxChannelPages);
        return new SlackChannelList(channels, null);
    }

    /// <summary>Joins the bot to public channel <paramref name="channelId"/> with <c>conversations.join</c>; null when it joined.</summary>
    public async Task<SlackPostResult?> JoinChannelAsync(string botToken, string channelId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(options.CurrentValue.ApiBaseUrl), "conversations.join"))
        {
            Content = JsonContent.Create(new SlackJoinRequest(channelId), SlackJsonContext.Default.SlackJoinRequest),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", botToken);
        var (_, failure) = await CallAsync(request, "conversations.join", channelId, SlackJsonContext.Default.SlackJoinResponse, cancellationToken);
        return failure;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack conversations.list still had more after {Pages} pages; listing what was read")]
    private partial void LogTooManyPages(int pages);
}
