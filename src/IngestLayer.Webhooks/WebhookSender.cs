using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Webhooks;

/// <summary>
/// A small typed client that makes one delivery attempt of an outgoing webhook: a POST of the JSON body with the
/// Standard Webhooks headers, classified into a <see cref="WebhookDeliveryResult"/>. It does not retry (the outbox
/// does, on <see cref="WebhookRetrySchedule"/>) and does not follow redirects; see
/// <see cref="WebhookServiceCollectionExtensions.AddWebhookSender"/>.
/// </summary>
public sealed partial class WebhookSender(
    HttpClient http,
    IOptionsMonitor<WebhookSenderOptions> options,
    TimeProvider time,
    ILogger<WebhookSender> logger)
{
    /// <summary>A longer <c>Retry-After</c> is cut to this, so a receiver cannot park a message for weeks.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(24);

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>POSTs <paramref name="request"/>'s body once, signed as of now.</summary>
    /// <exception cref="ArgumentException">The message id is not a valid webhook id (a bug of the caller's, not the destination's).</exception>
    public async Task<WebhookDeliveryResult> SendAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        if (!TryParseUrl(request.Url, out var url))
        {
            LogInvalidUrl(request.MessageId);
            return new WebhookDeliveryResult.Failed("Invalid URL: the destination must be an absolute http or https URL without credentials.");
        }

        var settings = options.CurrentValue;

        // The attempt's time, not the event's: receivers check it against their clock to refuse replays.
        var now = time.GetUtcNow();
        var signer = request.PreviousSecret is { } previous
            ? new StandardWebhookSigner(request.Secret, previous)
            : new StandardWebhookSigner(request.Secret);
        var signature = signer.Sign(request.MessageId, now, request.Body.Span);

        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ReadOnlyMemoryContent(request.Body) };
        message.Content.Headers.ContentType = Json;
        message.Headers.Add(StandardWebhookHeaders.Id, request.MessageId);
        message.Headers.Add(StandardWebhookHeaders.Timestamp, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        message.Headers.TryAddWithoutValidation(StandardWebhookHeaders.Signature, signature);
        message.Headers.TryAddWithoutValidation("User-Agent", settings.UserAgent);

        // Our own timeout on the injected clock (HttpClient.Timeout is off), so tests can fake it and tell it from the caller's cancellation.
        using var timeout = new CancellationTokenSource(settings.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            // Headers are all we need; a receiver that streams a large body does not hold the attempt up.
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            return Classify(response, url, request.MessageId);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            LogTimedOut(url.Authority, request.MessageId, settings.Timeout);
            return new WebhookDeliveryResult.RetryLater(
                $"Timed out after {settings.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s waiting for the response.");
        }
        catch (HttpRequestException ex)
        {
            // The error kind only: the exception's message can name the host and port, and its inner one more.
            LogNetworkError(url.Authority, request.MessageId, ex.HttpRequestError);
            return new WebhookDeliveryResult.RetryLater($"Network error ({ex.HttpRequestError}).");
        }
    }

    private WebhookDeliveryResult Classify(HttpResponseMessage response, Uri url, string messageId)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            LogDelivered(url.Authority, messageId, status);
            return new WebhookDeliveryResult.Delivered(status);
        }

        WebhookDeliveryResult result = response.StatusCode switch
        {
            HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError =>
                new WebhookDeliveryResult.RetryLater($"HTTP {status}.", status, RetryAfter(response.Headers.RetryAfter)),
            HttpStatusCode.Gone =>
                new WebhookDeliveryResult.Failed("HTTP 410 Gone: the receiver asks for no more webhooks; disable the endpoint.", status, DisableEndpoint: true),
            >= HttpStatusCode.MultipleChoices and < HttpStatusCode.BadRequest =>
                new WebhookDeliveryResult.Failed($"HTTP {status}: redirects are not followed; set the endpoint's URL to where it redirects.", status),
            _ => new WebhookDeliveryResult.Failed($"HTTP {status}.", status),
        };

        LogNotDelivered(url.Authority, messageId, status, result is WebhookDeliveryResult.RetryLater);
        return result;
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        TimeSpan? wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => null,
        };
        return wait is { } w ? TimeSpan.FromTicks(Math.Clamp(w.Ticks, 0, MaxRetryAfter.Ticks)) : null;
    }

    private static bool TryParseUrl(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? url) =>
        Uri.TryCreate(value, UriKind.Absolute, out url)
        && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
        && url.Host.Length > 0
        // Credentials in the URL would be sent nowhere useful (HttpClient ignores them) and end up in places URLs are kept.
        && url.UserInfo.Length == 0;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook {MessageId} delivered to {Host} with HTTP {StatusCode}")]
    private partial void LogDelivered(string host, string messageId, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {MessageId} to {Host} answered HTTP {StatusCode} (retry later: {Retry})")]
    private partial void LogNotDelivered(string host, string messageId, int statusCode, bool retry);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {MessageId} to {Host} timed out after {Timeout}")]
    private partial void LogTimedOut(string host, string messageId, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {MessageId} to {Host} failed on the network ({HttpRequestError})")]
    private partial void LogNetworkError(string host, string messageId, HttpRequestError httpRequestError);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {MessageId} was not sent: the destination URL is not an absolute http(s) URL without credentials")]
    private partial void LogInvalidUrl(string messageId);
}
