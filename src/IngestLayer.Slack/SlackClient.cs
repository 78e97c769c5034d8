using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
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
    internal static readonly IReadOnlySet<string> TransientErrors = new HashSet<string>(StringComparer.Ordinal)
    {
        "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
    };

    /// <summary>Posts <paramref name="message"/> with <c>chat.postMessage</c> and the configured <c>Slack:BotToken</c>.</summary>
    public Task<SlackPostResult> PostMessageAsync(SlackMessage message, CancellationToken cancellationToken) =>
        WithConfiguredToken(token => PostMessageAsync(message, token, cancellationToken));

    /// <summary>
    /// Posts <paramref name="message"/> with <c>chat.postMessage</c> as the bot of <paramref name="botToken"/>, brought
    /// within Slack's limits first (<see cref="SlackMessageLimiter"/>): every message posted passes here.
    /// </summary>
    public Task<SlackPostResult> PostMessageAsync(SlackMessage message, string botToken, CancellationToken cancellationToken)
    {
        var fitted = SlackMessageLimiter.Fit(message);

        // JsonContent sends "application/json; charset=utf-8"; without the charset Slack warns missing_charset.
        return SendAsync("chat.postMessage", () => JsonContent.Create(fitted, SlackJsonContext.Default.SlackMessage), fitted.Channel, botToken, cancellationToken);
    }

    /// <summary>
    /// Replaces a message's text and blocks with <c>chat.update</c>, as the bot of <paramref name="botToken"/> (only the
    /// bot that posted a message may update it). On success the result's ts is the message's own (an update does not
    /// make a new message).
    /// </summary>
    public Task<SlackPostResult> UpdateMessageAsync(SlackMessageUpdate update, string botToken, CancellationToken cancellationToken) =>
        SendAsync("chat.update", () => JsonContent.Create(update, SlackJsonContext.Default.SlackMessageUpdate), update.Channel, botToken, cancellationToken);

    private Task<SlackPostResult> WithConfiguredToken(Func<string, Task<SlackPostResult>> send)
    {
        var settings = options.CurrentValue;
        if (!settings.HasBotToken)
        {
            // Slack would answer the same; saying it here avoids sending "Bearer " with nothing after it.
            return Task.FromResult<SlackPostResult>(new SlackPostResult.Permanent("not_authed", "Slack:BotToken is not configured."));
        }

        return send(settings.BotToken!);
    }

    private async Task<SlackPostResult> SendAsync(string method, Func<HttpContent> content, string channel, string botToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(options.CurrentValue.ApiBaseUrl), method)) { Content = content() };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", botToken);
        var (body, failure) = await CallAsync(request, method, channel, SlackJsonContext.Default.SlackApiResponse, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }

        LogPosted(method, channel, body!.Ts);
        return new SlackPostResult.Ok(body.Ts ?? "", body.Channel ?? channel);
    }

    /// <summary>
    /// One Web API call, and the one reading of how it failed, whatever the method: 429 (with its Retry-After), HTTP
    /// errors, a body that is not Slack's JSON, <c>ok:false</c> (transient or not), timeouts and network errors.
    /// <paramref name="target"/> (a channel, a channel type) only names the call in the log.
    /// </summary>
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
                LogRateLimited(method, target, retryAfter);
                return (null, new SlackPostResult.RateLimited(retryAfter));
            }

            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                LogHttpError(method, target, status);
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
                // A 200 that is not Slack's JSON: a proxy or captive portal in the way, which may go away.
                LogInvalidResponse(method, target, response.Content.Headers.ContentType?.MediaType);
                return (null, new SlackPostResult.Transient("invalid_response"));
            }

            if (body.Warning is { Length: > 0 } warning)
            {
                LogSlackWarning(method, target, warning);
            }

            if (body.Ok)
            {
                return (body, null);
            }

            var error = body.Error is { Length: > 0 } e ? e : "unknown_error";
            LogSlackError(method, target, error);
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
            // The resilience pipeline's timeout, or HttpClient.Timeout: not our caller, a timeout like any other.
            LogTimedOut(method, target);
            return (null, new SlackPostResult.Transient("timeout"));
        }
        catch (HttpRequestException ex)
        {
            LogNetworkError(ex, method, target, ex.HttpRequestError);
            return (null, new SlackPostResult.Transient("network_error"));
        }
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Slack {Method} to {Channel} succeeded with ts {Ts}")]
    private partial void LogPosted(string method, string channel, string? ts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} to {Channel} answered ok:false with {SlackError}")]
    private partial void LogSlackError(string method, string channel, string slackError);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} to {Channel} warned: {SlackWarning}")]
    private partial void LogSlackWarning(string method, string channel, string slackWarning);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} to {Channel} is rate limited; retry after {RetryAfter}")]
    private partial void LogRateLimited(string method, string channel, TimeSpan retryAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} to {Channel} failed with HTTP {StatusCode}")]
    private partial void LogHttpError(string method, string channel, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} to {Channel} timed out")]
    private partial void LogTimedOut(string method, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} to {Channel} failed on the network ({HttpRequestError})")]
    private partial void LogNetworkError(Exception exception, string method, string channel, HttpRequestError httpRequestError);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} to {Channel} answered 200 with a body that is not Slack JSON ({ContentType})")]
    private partial void LogInvalidResponse(string method, string channel, string? contentType);
}
