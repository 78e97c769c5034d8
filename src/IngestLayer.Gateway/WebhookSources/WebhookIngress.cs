using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Gateway.Endpoints;
using IngestLayer.Gateway.Parsing;
using IngestLayer.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.WebhookSources;

/// <summary>What a webhook request led to: events stored, of them already stored before (a redelivery), and ignored event types.</summary>
public sealed record WebhookIngressResponse(int Accepted, int Duplicates, int Ignored);

/// <summary>
/// <c>POST /v1/webhooks/{sourceId}</c>: the raw body within limits, the signature under the source's scheme and
/// secrets, then the mapping, then the event log. Replay protection is the log's own dedupe: the verified message id
/// (<c>webhook-id</c>, or the payload id of Stripe-style sources, which is signed with the body) is the event's
/// message id with the source as its source, so a replayed request within the tolerance is stored and counted once.
/// </summary>
public sealed partial class WebhookIngress(
    WebhookSourceDirectory directory,
    IEventLog eventLog,
    EventDispatcher dispatcher,
    IOptions<IngestLayerOptions> options,
    TimeProvider time,
    ILogger<WebhookIngress> logger)
{
    /// <summary>
    /// The one answer for an id that names no enabled source (never made, deleted, disabled): which of them it was
    /// stays unsaid, and ids are unguessable, so a 404 reveals nothing a caller could use.
    /// </summary>
    public const string UnknownSourceDetail = "No enabled webhook source has this id.";

    public async Task<IResult> ReceiveAsync(string sourceId, HttpContext http)
    {
        var limits = options.Value;
        var cancellationToken = http.RequestAborted;
        if (await directory.FindAsync(sourceId, cancellationToken) is not { Source.Enabled: true } source)
        {
            return Problems.NotFound(UnknownSourceDetail);
        }

        using var body = await RequestBody.ReadAsync(http.Request, limits.MaxBatchBytes, cancellationToken);
        if (body.TooLarge)
        {
            return Problems.OverLimit(StatusCodes.Status413PayloadTooLarge, "IngestLayer:MaxBatchBytes", limits.MaxBatchBytes,
                $"The body is over the {limits.MaxBatchBytes}-byte limit (IngestLayer:MaxBatchBytes).");
        }

        if (body.Error is { } encodingError)
        {
            return Problems.BadRequest("Unreadable body", encodingError);
        }

        var receivedAt = time.GetUtcNow();
        var verification = source.Verifier.Verify(http.Request.Headers, body.Memory.Span, receivedAt);
        if (!verification.IsVerified)
        {
            LogRefused(logger, sourceId, verification.Status.ToString());
            return TypedResults.Problem(verification.Reason, statusCode: StatusCodes.Status401Unauthorized, title: "Invalid signature");
        }

        // Only now, for an authentic sender, does anything about the body get said.
        if (JsonEscapes.TextError(body.Memory.Span) is { } textError)
        {
            return Problems.BadRequest("Malformed JSON", textError);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.Memory, new JsonDocumentOptions { MaxDepth = limits.MaxNestingDepth });
        }
        catch (JsonException ex)
        {
            return IngestService.NotJson(body.Memory.Span, ex, limits.MaxNestingDepth);
        }

        using (document)
        {
            var mapped = source.Mapping.Map(document.RootElement, source.Workspace, source.Source.Id, verification.MessageId, verification.Timestamp, receivedAt);
            if (mapped.IgnoredName is not null)
            {
                // 200, so the provider stops retrying an event type nobody here wants.
                return TypedResults.Ok(new WebhookIngressResponse(0, 0, 1));
            }

            if (mapped.Event is not { } e)
            {
                return TypedResults.Problem(
                    $"'{mapped.Field}' {mapped.Error}.",
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Unmappable payload",
                    extensions: new Dictionary<string, object?> { ["field"] = mapped.Field });
            }

            if (e.Properties.Length > limits.MaxEventBytes)
            {
                return Problems.OverLimit(StatusCodes.Status413PayloadTooLarge, "IngestLayer:MaxEventBytes", limits.MaxEventBytes,
                    $"The event's properties are over the {limits.MaxEventBytes}-byte limit (IngestLayer:MaxEventBytes); map fewer of them (mapping.properties).");
            }

            return await StoreAsync(e, sourceId, http);
        }
    }

    private async Task<IResult> StoreAsync(IngestEvent e, string sourceId, HttpContext http)
    {
        // As for POST /v1/events: room first, so a 503 stored nothing and the provider's retry is not a duplicate.
        if (!await dispatcher.WaitForRoomAsync(http.RequestAborted))
        {
            http.Response.Headers.RetryAfter = "1";
            return Problems.Overloaded("Events are arriving faster than they are applied; retry after a second.");
        }

        IReadOnlyList<IngestEvent> stored;
        try
        {
            stored = await eventLog.AppendAsync([e], http.RequestAborted);
        }
        catch (StorageUnavailableException ex)
        {
            LogStoreUnavailable(logger, sourceId, ex.Message);
            http.Response.Headers.RetryAfter = "2";
            return Problems.Unavailable("The event store is unavailable; nothing was stored. Retry after a few seconds.");
        }
        catch (StorageRejectedException ex)
        {
            return Problems.BadRequest("Unstorable event", ex.Message);
        }

        return TypedResults.Ok(new WebhookIngressResponse(1, 1 - stored.Count, 0));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook source {SourceId}: refused a request ({Status})")]
    private static partial void LogRefused(ILogger logger, string sourceId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook source {SourceId}: the event store is unavailable, answered 503: {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string sourceId, string reason);
}
