using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace IngestLayer.Slack;

/// <summary>
/// A small typed client for the Slack Web API. Short outages and rate limits are retried inside the call
/// by the resilience handler registered in <see cref="SlackServiceCollectionExtensions.AddSlackAlerts"/>;
/// whatever is left comes back as a <see cref="SlackPostResult"/> for the outbox to retry later.
/// </summary>
public sealed partial class SlackClient(
    HttpClient http,
    IOptionsMonitor<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackClient> logger)
{
    /// <summary>Used when a 429 comes without a usable <c>Retry-After</c> (Slack always sends one).</summary>
    internal static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(30);

    // ok:false errors that describe Slack's state rather than the request, so a later attempt can succeed.
    private static readonly HashSet<string> TransientErrors =
    [
        "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
    ];

    /// <summary>Posts <paramref name="message"/> with <c>chat.postMessage</c>.</summary>
    public async Task<SlackPostResult> PostMessageAsync(SlackMessage message, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!settings.HasBotToken)
        {
            // Slack would answer the same; saying it here avoids sending "Bearer " with nothing after it.
            return new SlackPostResult.Permanent("not_authed", "Slack:BotToken is not configured.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(settings.ApiBaseUrl), "chat.postMessage"))
        {
            // JsonContent sends "application/json; charset=utf-8"; without the charset Slack warns missing_charset.
            Content = JsonContent.Create(message, SlackJsonContext.Default.SlackMessage),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.BotToken);

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return await ReadResultAsync(response, message.Channel, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutRejectedException)
        {
            LogTimedOut(message.Channel);
            return new SlackPostResult.Transient("timeout");
        }
        catch (TaskCanceledException)
        {
            // HttpClient.Timeout, not our caller: a timeout like any other.
            LogTimedOut(message.Channel);
            return new SlackPostResult.Transient("timeout");
        }
        catch (HttpRequestException ex)
        {
            LogNetworkError(ex, message.Channel, ex.HttpRequestError);
            return new SlackPostResult.Transient("network_error");
        }
    }

    private async Task<SlackPostResult> ReadResultAsync(HttpResponseMessage response, string channel, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var retryAfter = RetryAfter(response.Headers.RetryAfter);
            LogRateLimited(channel, retryAfter);
            return new SlackPostResult.RateLimited(retryAfter);
        }

        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            var error = $"http_{status}";
            LogHttpError(channel, status);
            return status >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout
                ? new SlackPostResult.Transient(error)
                : new SlackPostResult.Permanent(error);
        }

        SlackApiResponse? body;
        try
        {
            body = await response.Content.ReadFromJsonAsync(SlackJsonContext.Default.SlackApiResponse, cancellationToken);
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            // A 200 that is not Slack's JSON: a proxy or captive portal in the way, which may go away.
            LogInvalidResponse(channel, response.Content.Headers.ContentType?.MediaType);
            return new SlackPostResult.Transient("invalid_response");
        }

        if (body.Warning is { Length: > 0 } warning)
        {
            LogSlackWarning(channel, warning);
        }

        if (body.Ok)
        {
            LogPosted(channel, body.Ts);
            return new SlackPostResult.Ok(body.Ts ?? "", body.Channel ?? channel);
        }

        var slackError = body.Error is { Length: > 0 } e ? e : "unknown_error";
        LogSlackError(channel, slackError);
        if (TransientErrors.Contains(slackError))
        {
            return new SlackPostResult.Transient(slackError);
        }

        var detail = body.ResponseMetadata?.Messages is { Count: > 0 } messages ? string.Join("; ", messages) : null;
        return new SlackPostResult.Permanent(slackError, detail);
    }

    private TimeSpan RetryAfter(RetryConditionHeaderValue? header)
    {
        var wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => DefaultRetryAfter,
        };
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Slack chat.postMessage to {Channel} succeeded with ts {Ts}")]
    private partial void LogPosted(string channel, string? ts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack chat.postMessage to {Channel} answered ok:false with {SlackError}")]
    private partial void LogSlackError(string channel, string slackError);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack chat.postMessage to {Channel} warned: {SlackWarning}")]
    private partial void LogSlackWarning(string channel, string slackWarning);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack chat.postMessage to {Channel} is rate limited; retry after {RetryAfter}")]
    private partial void LogRateLimited(string channel, TimeSpan retryAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack chat.postMessage to {Channel} failed with HTTP {StatusCode}")]
    private partial void LogHttpError(string channel, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack chat.postMessage to {Channel} timed out")]
    private partial void LogTimedOut(string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack chat.postMessage to {Channel} failed on the network ({HttpRequestError})")]
    private partial void LogNetworkError(Exception exception, string channel, HttpRequestError httpRequestError);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack chat.postMessage to {Channel} answered 200 with a body that is not Slack JSON ({ContentType})")]
    private partial void LogInvalidResponse(string channel, string? contentType);
}
