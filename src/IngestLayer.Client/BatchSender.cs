using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly.Timeout;

namespace IngestLayer.Client;

/// <summary>What became of one batch: events the service acknowledged, and the failures to report.</summary>
internal sealed record BatchOutcome(int Delivered, IReadOnlyList<IngestLayerError> Errors);

/// <summary>
/// Posts one batch and reads the answer. Retries happen below, in the HttpClient's resilience handler; what
/// arrives here is final: a 2xx (possibly with some events rejected), a 413 (split and send the halves),
/// another 4xx (reported with the events, not retried), or the last 429/5xx/exception once retries ran out.
/// </summary>
internal sealed class BatchSender(HttpClient http, Uri eventsUri)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task<BatchOutcome> SendAsync(IReadOnlyList<PendingEvent> events, CancellationToken cancellationToken)
    {
        var errors = new List<IngestLayerError>();
        var delivered = await SendAsync(events, errors, cancellationToken);
        return new BatchOutcome(delivered, errors);
    }

    private async Task<int> SendAsync(IReadOnlyList<PendingEvent> events, List<IngestLayerError> errors, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(EventJson.Batch(events));
        content.Headers.ContentType = Json;
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(eventsUri, content, cancellationToken);
        }
        // InvalidOperationException: what HttpClient throws for a request it cannot make at all; reported, not fatal to the loop.
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or OperationCanceledException or InvalidOperationException)
        {
            var why = cancellationToken.IsCancellationRequested ? "the client was disposed before the batch was delivered" : $"the batch could not be delivered: {ex.Message}";
            errors.Add(new IngestLayerError(IngestLayerErrorKind.DeliveryFailed, why, All(events, null, why), null, ex));
            return 0;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var answer = await ReadAnswerAsync(response, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var rejected = answer?.Rejected ?? [];
                if (rejected.Count > 0)
                {
                    errors.Add(new IngestLayerError(IngestLayerErrorKind.Rejected, $"The service rejected {rejected.Count} of {events.Count} events.", ByIndex(events, rejected), status));
                }

                return events.Count - rejected.Count;
            }

            if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge && events.Count > 1)
            {
                // The service's limits may be lower than the client's settings: halve until each part fits.
                var half = events.Count / 2;
                return await SendAsync(events.Take(half).ToList(), errors, cancellationToken)
                    + await SendAsync(events.Skip(half).ToList(), errors, cancellationToken);
            }

            var detail = answer?.Detail ?? response.ReasonPhrase ?? "no detail";
            var (kind, message) = status switch
            {
                400 => (IngestLayerErrorKind.Rejected, $"The service rejected the batch (400): {detail}"),
                413 => (IngestLayerErrorKind.TooLarge, $"The event is over the service's size limit (413): {detail}"),
                401 or 403 => (IngestLayerErrorKind.ClientError, $"The write key was refused ({status}): {detail}"),
                408 or 429 or >= 500 => (IngestLayerErrorKind.DeliveryFailed, $"The service still answered {status} after every retry: {detail}"),
                _ => (IngestLayerErrorKind.ClientError, $"The service answered {status}: {detail}"),
            };
            var failed = status == 400 && answer?.Errors is { Count: > 0 } byIndex ? ByIndex(events, byIndex) : All(events, null, message);
            errors.Add(new IngestLayerError(kind, message, failed, status));
            return 0;
        }
    }

    private static async Task<IngestAnswer?> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return body.Length == 0 ? null : JsonSerializer.Deserialize(body, IngestAnswerJsonContext.Default.IngestAnswer);
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException or OperationCanceledException)
        {
            // A proxy's HTML error page, a cut connection: the status alone decides.
            return null;
        }
    }

    private static List<FailedEvent> ByIndex(IReadOnlyList<PendingEvent> events, IReadOnlyList<RejectedIndex> rejected) =>
        rejected.Where(r => r.Index >= 0 && r.Index < events.Count)
            .Select(r => new FailedEvent(events[r.Index].Event, r.Field, r.Error ?? "rejected"))
            .ToList();

    private static List<FailedEvent> All(IReadOnlyList<PendingEvent> events, string? field, string reason) =>
        events.Select(e => new FailedEvent(e.Event, field, reason)).ToList();
}
