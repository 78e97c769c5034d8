using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Polly.Timeout;

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

    // One Web API call with the same reading of failures as chat.postMessage: 429, HTTP errors, non-JSON, ok:false.
    private async Task<(T? Body, SlackPostResult? Failure)> CallAsync<T>(
        HttpRequestMessage request, string method, string target, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class, ISlackEnvelope
    {
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var retryAfter = RetryAfter(response.Headers.RetryAfter);
                LogCallFailed(method, target, $"rate limited, retry after {retryAfter}");
                return (null, new SlackPostResult.RateLimited(retryAfter));
            }

            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                LogCallFailed(method, target, $"HTTP {status}");
                return (null, status >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout
                    ? new SlackPostResult.Transient($"http_{status}")
                    : new SlackPostResult.Permanent($"http_{status}"));
            }

            T? body;
            try
            {
                body = await response.Content.ReadFromJsonAsync(type, cancellationToken);
            }
            catch (JsonException)
            {
                body = null;
            }

            if (body is null)
            {
                LogCallFailed(method, target, "a body that is not Slack JSON");
                return (null, new SlackPostResult.Transient("invalid_response"));
            }

            if (body.Ok)
            {
                return (body, null);
            }

            var error = body.Error is { Length: > 0 } e ? e : "unknown_error";
            LogCallFailed(method, target, error);
            return (null, TransientErrors.Contains(error)
                ? new SlackPostResult.Transient(error)
                : new SlackPostResult.Permanent(error, body.ResponseMetadata?.Messages is { Count: > 0 } messages ? string.Join("; ", messages) : null));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or TaskCanceledException)
        {
            LogCallFailed(method, target, "timed out");
            return (null, new SlackPostResult.Transient("timeout"));
        }
        catch (HttpRequestException ex)
        {
            LogCallFailed(method, target, $"network error ({ex.HttpRequestError})");
            return (null, new SlackPostResult.Transient("network_error"));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} ({Target}) failed: {Reason}")]
    private partial void LogCallFailed(string method, string target, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack conversations.list still had more after {Pages} pages; listing what was read")]
    private partial void LogTooManyPages(int pages);
}
