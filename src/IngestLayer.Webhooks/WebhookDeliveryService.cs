using System.Text;
using IngestLayer.Contracts;
using IngestLayer.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IngestLayer.Webhooks;

/// <summary>
/// Delivers the outbox's due webhook deliveries (pipeline destinations of type webhook): one signed POST each, with
/// the delivery's id as <c>webhook-id</c> on every attempt (so receivers can drop replays), retried on the
/// <see cref="WebhookRetrySchedule"/> and never sooner than the receiver's <c>Retry-After</c>. The signing secret is
/// read from the pipeline at send time, so a rotated secret applies to deliveries already queued.
/// </summary>
public sealed partial class WebhookDeliveryService(
    IAlertOutbox outbox,
    IPipelineStore pipelines,
    WebhookSender sender,
    TimeProvider time,
    ILogger<WebhookDeliveryService> logger) : BackgroundService
{
    private const int BatchSize = 20;

    // Longer than one attempt can take (the sender's timeout is at most a minute), so no other worker takes it meanwhile.
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var due = await outbox.ClaimDueAsync(BatchSize, time.GetUtcNow(), Lease, stoppingToken, PipelineDestinationTypes.Webhook);
                var definitions = new Dictionary<string, IReadOnlyList<PipelineDefinition>>(StringComparer.Ordinal);
                foreach (var entry in due)
                {
                    await DeliverAsync(entry, definitions, stoppingToken);
                }

                if (due.Count < BatchSize)
                {
                    await outbox.WaitForWorkAsync(IdleWait, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The outbox or the config store failed (its database is down): log, pause, keep the worker alive.
                LogLoopFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DeliverAsync(OutboxEntry entry, Dictionary<string, IReadOnlyList<PipelineDefinition>> definitions, CancellationToken stoppingToken)
    {
        var alert = entry.Alert;
        if (!definitions.TryGetValue(alert.Workspace, out var workspacePipelines))
        {
            definitions[alert.Workspace] = workspacePipelines = await pipelines.ListAsync(alert.Workspace, stoppingToken) ?? [];
        }

        var destination = workspacePipelines.FirstOrDefault(p => p.Id == alert.Rule)?.Destinations.FirstOrDefault(d => d.Id == alert.DestinationId);
        if (destination?.Secret is not { } text || !StandardWebhookSecret.TryParse(text, out var secret) || alert.WebhookUrl is not { } url)
        {
            await CompleteAsync(alert, new DeliveryOutcome(AlertDeliveryStatus.Failed, null,
                Error: "the pipeline or its webhook destination no longer exists",
                Hint: $"Pipeline '{alert.Rule}' or its destination '{alert.DestinationId}' was deleted or changed before this was sent; nothing will be retried."), stoppingToken);
            return;
        }

        var request = new WebhookRequest(url, WebhookId(alert.AlertId), Encoding.UTF8.GetBytes(alert.Body ?? "{}"), secret);
        var result = await sender.SendAsync(request, stoppingToken);
        var attempt = entry.Attempts + 1;
        var outcome = result switch
        {
            WebhookDeliveryResult.Delivered => new DeliveryOutcome(AlertDeliveryStatus.Sent, null),
            WebhookDeliveryResult.RetryLater retry when WebhookRetrySchedule.NextDelay(attempt, retry.RetryAfter) is { } delay =>
                new DeliveryOutcome(AlertDeliveryStatus.Retrying, null, time.GetUtcNow() + delay, Error: retry.Reason),
            WebhookDeliveryResult.RetryLater retry =>
                new DeliveryOutcome(AlertDeliveryStatus.Failed, null, Error: retry.Reason, Hint: $"Gave up after {attempt} attempts; fix the receiver, then POST /ops/alerts/{alert.AlertId}/retry."),
            WebhookDeliveryResult.Failed { DisableEndpoint: true } failed =>
                new DeliveryOutcome(AlertDeliveryStatus.Failed, null, Error: failed.Reason, Hint: "The receiver answered 410 Gone: it asks not to be called again. Change or remove the destination."),
            WebhookDeliveryResult.Failed failed =>
                new DeliveryOutcome(AlertDeliveryStatus.Failed, null, Error: failed.Reason, Hint: "The receiver refused the request; check its URL and that it verifies our signature with the destination's secret."),
            _ => throw new InvalidOperationException($"Unknown webhook result {result.GetType().Name}."),
        };
        LogAttempted(alert.AlertId, alert.Rule, outcome.Status);
        await CompleteAsync(alert, outcome, stoppingToken);
    }

    private Task CompleteAsync(Alert alert, DeliveryOutcome outcome, CancellationToken stoppingToken) =>
        outbox.CompleteAttemptAsync(alert.AlertId, outcome, stoppingToken).AsTask();

    // Standard Webhooks ids are [A-Za-z0-9_-]; the outbox id already is, and stays the same on every attempt.
    private static string WebhookId(string alertId) => "msg_" + alertId;

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivery {AlertId} of pipeline {Pipeline}: {Status}")]
    private partial void LogAttempted(string alertId, string? pipeline, AlertDeliveryStatus status);

    [LoggerMessage(Level = LogLevel.Error, Message = "The webhook delivery loop failed; pausing")]
    private partial void LogLoopFailed(Exception exception);
}
