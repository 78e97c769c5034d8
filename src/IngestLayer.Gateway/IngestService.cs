using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Gateway.Endpoints;
using IngestLayer.Gateway.Parsing;
using IngestLayer.Gateway.RateLimits;
using IngestLayer.Gateway.Security;
using IngestLayer.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway;

/// <summary>What happened to a request's events.</summary>
/// <param name="Accepted">Events stored (including duplicates of events stored before, which are not counted again).</param>
/// <param name="Duplicates">Accepted events whose message id this source had already sent.</param>
/// <param name="Rejected">Events refused, each with the field and the reason.</param>
public sealed record IngestOutcome(int Accepted, int Duplicates, IReadOnlyList<RejectedEvent> Rejected);

/// <summary>
/// The gateway's one ingestion path, whatever the wire format: read the body within limits, authenticate
/// the write key, parse, append to the event log (the answer waits for this), then queue for the grains.
/// </summary>
public sealed partial class IngestService(
    WriteKeys writeKeys,
    SourceRateLimiter rateLimiter,
    IEventLog eventLog,
    EventDispatcher dispatcher,
    IOptions<IngestLayerOptions> options,
    TimeProvider time,
    ILogger<IngestService> logger)
{
    private readonly IngestLayerOptions _options = options.Value;
    private readonly JsonDocumentOptions _documentOptions = new() { MaxDepth = options.Value.MaxNestingDepth };

    /// <summary>Parses the body with <paramref name="parse"/> and ingests it; returns an HTTP result.</summary>
    public Task<IResult> IngestAsync(
        HttpContext http,
        Func<JsonElement, Source, DateTimeOffset, int, ParsedBatch> parse,
        Func<IngestOutcome, IResult> success) =>
        IngestAsync(http, parse, success, RequestBody.ReadAsync, SegmentEventParser.BodyWriteKey);

    /// <summary>
    /// The native format (<c>POST /v1/events</c>): a batch of valid events with the write key in the header is read
    /// in one pass (<see cref="NativeBatchReader"/>); anything else goes through <see cref="NativeEventParser"/>.
    /// </summary>
    public Task<IResult> IngestNativeAsync(HttpContext http, Func<IngestOutcome, IResult> success) =>
        IngestAsync(http, NativeEventParser.Parse, success, RequestBody.ReadAsync, SegmentEventParser.BodyWriteKey, fast: true);

    /// <summary>
    /// As above, for a wire format with its own body encodings (<paramref name="readBody"/>, held to the
    /// batch limit) and its own place for the write key in the body (<paramref name="bodyWriteKey"/>).
    /// </summary>
    public Task<IResult> IngestAsync(
        HttpContext http,
        Func<JsonElement, Source, DateTimeOffset, int, ParsedBatch> parse,
        Func<IngestOutcome, IResult> success,
        Func<HttpRequest, int, CancellationToken, Task<RequestBody>> readBody,
        Func<JsonElement, string?> bodyWriteKey) =>
        IngestAsync(http, parse, success, readBody, bodyWriteKey, fast: false);

    private async Task<IResult> IngestAsync(
        HttpContext http,
        Func<JsonElement, Source, DateTimeOffset, int, ParsedBatch> parse,
        Func<IngestOutcome, IResult> success,
        Func<HttpRequest, int, CancellationToken, Task<RequestBody>> readBody,
        Func<JsonElement, string?> bodyWriteKey,
        bool fast)
    {
        using var body = await readBody(http.Request, _options.MaxBatchBytes, http.RequestAborted);
        if (body.TooLarge)
        {
            return Problems.OverLimit(StatusCodes.Status413PayloadTooLarge, "IngestLayer:MaxBatchBytes", _options.MaxBatchBytes,
                $"The body is over the {_options.MaxBatchBytes}-byte limit (IngestLayer:MaxBatchBytes, counted after decompression); split the batch.");
        }

        if (body.Error is { } encodingError)
        {
            return Problems.BadRequest("Unreadable body", encodingError);
        }

        if (JsonEscapes.TextError(body.Memory.Span) is { } textError)
        {
            return Problems.BadRequest("Malformed JSON", textError);
        }

        // The general path below decides every request the fast one is not sure of, errors included, in its own order.
        if (fast && Credentials.WriteKeyFromHeader(http.Request) is { } headerKey && writeKeys.Resolve(headerKey) is { } known
            && time.GetUtcNow() is var now
            && NativeBatchReader.TryRead(body.Memory, known, now, _options.MaxEventBytes, _options.MaxNestingDepth) is { } read)
        {
            return await StoreAsync(http, known, read, success);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.Memory, _documentOptions);
        }
        catch (JsonException ex)
        {
            return NotJson(body.Memory.Span, ex, _options.MaxNestingDepth);
        }

        using (document)
        {
            var writeKey = Credentials.WriteKeyFromHeader(http.Request) ?? bodyWriteKey(document.RootElement);
            if (writeKey is null)
            {
                return Problems.Unauthorized("A write key is required: 'Authorization: Bearer <write key>', Segment's Basic auth with the write key as user name, or PostHog's api_key.");
            }

            if (writeKeys.Resolve(writeKey) is not { } source)
            {
                return Problems.Unauthorized("The write key is not known (or its source was revoked, or it was rotated out). Check IngestLayer:Sources:<name>:WriteKey or GET /ops/sources.");
            }

            var receivedAt = time.GetUtcNow();
            var batch = parse(document.RootElement, source, receivedAt, _options.MaxEventBytes);
            if (batch.EnvelopeError is { } envelopeError)
            {
                return Problems.BadRequest("Invalid request", envelopeError);
            }

            if (batch.Oversize)
            {
                return Problems.OverLimit(StatusCodes.Status413PayloadTooLarge, "IngestLayer:MaxEventBytes", _options.MaxEventBytes,
                    $"The event is over the {_options.MaxEventBytes}-byte limit (IngestLayer:MaxEventBytes).");
            }

            return await StoreAsync(http, source, batch, success);
        }
    }

    /// <summary>A parsed request from here on: its limits, the rate limit, room in the queue, the log, the answer.</summary>
    private async Task<IResult> StoreAsync(HttpContext http, Source source, ParsedBatch batch, Func<IngestOutcome, IResult> success)
    {
        if (batch.Events.Count + batch.Rejected.Count is var count && count > _options.MaxBatchEvents)
        {
            return Problems.OverLimit(StatusCodes.Status413PayloadTooLarge, "IngestLayer:MaxBatchEvents", _options.MaxBatchEvents,
                $"The request holds {count} events; the limit is {_options.MaxBatchEvents} (IngestLayer:MaxBatchEvents). Split the batch.");
        }

        if (batch.Events.Count == 0)
        {
            return Problems.InvalidEvents(batch.Rejected);
        }

        // Counted in events, once they are known, and before anything is stored (a refused request is retried whole).
        if (rateLimiter.TryAcquire(source, batch.Events.Count) is { } retryAfter)
        {
            return IngestRateLimits.TooManyEvents(http.Response, source, rateLimiter.EventsPerSecond, retryAfter);
        }

        // Room first, then the log: a request refused for overload must not have stored anything,
        // or the client's retry would be dropped as a duplicate and never reach its grains.
        if (!await dispatcher.WaitForRoomAsync(http.RequestAborted))
        {
            http.Response.Headers.RetryAfter = "1";
            return Problems.Overloaded("Events are arriving faster than they are applied; retry after a second.");
        }

        // The log hands stored events to the dispatcher itself, in log order (see IEventLogObserver).
        IReadOnlyList<IngestEvent> stored;
        try
        {
            stored = await eventLog.AppendAsync(batch.Events, http.RequestAborted);
        }
        catch (StorageUnavailableException ex)
        {
            // Never a 2xx that cannot be kept: the SDK retries, and the retry is deduplicated by message id.
            LogStoreUnavailable(logger, source.Name, ex.Message);
            http.Response.Headers.RetryAfter = "2";
            return Problems.Unavailable("The event store is unavailable; nothing was stored. Retry after a few seconds.");
        }
        catch (StorageRejectedException ex)
        {
            return Problems.BadRequest("Unstorable event", ex.Message);
        }

        if (batch.Rejected.Count > 0)
        {
            LogRejected(logger, source.Name, batch.Rejected.Count, batch.Rejected[0].Field, batch.Rejected[0].Error);
        }

        return success(new IngestOutcome(batch.Events.Count, batch.Events.Count - stored.Count, batch.Rejected));
    }

    /// <summary>The answer to a body the JSON parser refused: over the nesting limit (named), or malformed.</summary>
    internal static IResult NotJson(ReadOnlySpan<byte> body, JsonException ex, int maxDepth) =>
        JsonDepth.Of(body) > maxDepth
            ? Problems.OverLimit(StatusCodes.Status400BadRequest, "IngestLayer:MaxNestingDepth", maxDepth,
                $"The body nests objects and arrays more than {maxDepth} levels deep (IngestLayer:MaxNestingDepth); flatten the properties.")
            : Problems.BadRequest("Malformed JSON", $"The body is not valid JSON: {ex.Message}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {Source}: the event store is unavailable, answered 503: {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string source, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {Source}: rejected {Count} events; first: {Field} {Error}")]
    private static partial void LogRejected(ILogger logger, string source, int count, string field, string error);
}
