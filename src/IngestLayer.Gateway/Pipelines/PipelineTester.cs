using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Pipelines;
using IngestLayer.Pipelines.Runtime;
using IngestLayer.Slack;

namespace IngestLayer.Gateway.Pipelines;

/// <summary>
/// Runs sample events through one pipeline exactly as account grains would — same compiled steps, enrichment from
/// the live grains, same rendering — and reports, per event, whether it matched, which step dropped it and why, the
/// enriched context, and what each destination would have been sent. Nothing is enqueued or sent.
/// </summary>
public sealed class PipelineTester(IGrainFactory grains, AlertMessageRenderer slackRenderer, TimeProvider time)
{
    public async Task<IReadOnlyList<PipelineTestResult>> RunAsync(CompiledPipeline pipeline, string workspace, IReadOnlyList<IngestEvent> events)
    {
        var enrichment = new GrainEnrichment(grains, workspace);
        var results = new List<PipelineTestResult>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = await AttributeAsync(events[i], workspace);
            if (!pipeline.Matches(e.Name))
            {
                results.Add(new PipelineTestResult(i, e.Name, false, false, null, null, Context(new FilterContext(e)), []));
                continue;
            }

            var context = new FilterContext(e);
            var dropped = await PipelineEvaluator.RunAsync(pipeline, context, enrichment);
            if (dropped != PipelineEvaluator.Passed)
            {
                var filter = pipeline.Definition.Steps[dropped].Filter;
                results.Add(new PipelineTestResult(i, e.Name, true, false, dropped, $"steps[{dropped}]: the filter {filter} is false for this event", Context(context), []));
                continue;
            }

            var deliveries = PipelineDeliveries.Build(pipeline, context, workspace, time.GetUtcNow()).Select(Preview).ToList();
            results.Add(new PipelineTestResult(i, e.Name, true, true, null, null, Context(context), deliveries));
        }

        return results;
    }

    // As live dispatch does before an account grain runs the pipelines: an event that names no account is its
    // user's latest account's, so filters before an enrich step (account.id in list(...)) see that account too.
    private async Task<IngestEvent> AttributeAsync(IngestEvent e, string workspace)
    {
        if (e.AccountId is not null || e.UserId is null)
        {
            return e;
        }

        var accountId = (await grains.GetGrain<IUserGrain>(GrainKeys.User(workspace, e.UserId)).GetSnapshotAsync())?.AccountId;
        return accountId is null ? e : e with { AccountId = accountId };
    }

    private DeliveryPreview Preview(Alert delivery) => delivery.Destination == PipelineDestinationTypes.Webhook
        ? new DeliveryPreview(delivery.DestinationId ?? "", delivery.Destination, null, null, delivery.WebhookUrl, Json(delivery.Body))
        : new DeliveryPreview(
            delivery.DestinationId ?? "",
            delivery.Destination,
            delivery.Channel ?? "(default channel)",
            // As it would be posted: within Slack's limits.
            SlackMessageLimiter.Fit(slackRenderer.Render(delivery, delivery.Channel ?? "(default channel)")).ToJson(),
            null,
            null);

    private static JsonElement? Json(string? text) => text is null ? null : JsonDocument.Parse(text).RootElement.Clone();

    private static TestContext Context(FilterContext context) => new(
        new EventPreview(context.Event.Name, context.Event.Kind.ToString().ToLowerInvariant(), context.Event.UserId, context.Event.AccountId,
            context.Event.Feature, context.Event.Timestamp, Json(context.Event.PropertiesJson)),
        context.User,
        context.Account);

    private sealed class GrainEnrichment(IGrainFactory grains, string workspace) : IPipelineEnrichment
    {
        public async ValueTask<FilterUser?> UserAsync(IngestEvent e)
        {
            if (e.UserId is null)
            {
                return null;
            }

            var profile = await grains.GetGrain<IUserGrain>(GrainKeys.User(workspace, e.UserId)).GetProfileAsync();
            return profile is null ? null : FilterUser.From(profile);
        }

        public async ValueTask<FilterAccount?> AccountAsync(IngestEvent e)
        {
            // The event was attributed to its user's latest account before it got here (AttributeAsync).
            if (e.AccountId is not { } accountId)
            {
                return null;
            }

            var snapshot = await grains.GetGrain<IAccountGrain>(GrainKeys.Account(workspace, accountId)).GetSnapshotAsync();
            return snapshot is null ? null : FilterAccount.From(snapshot);
        }
    }
}

/// <summary>One sample event's way through the pipeline.</summary>
/// <param name="Index">Its position in the request.</param>
/// <param name="Event">Its name.</param>
/// <param name="Matched">Whether the pipeline's <c>match</c> takes it.</param>
/// <param name="Passed">Whether it passed every step (then <see cref="Deliveries"/> shows what would be sent).</param>
/// <param name="DroppedAtStep">The index of the filter step that dropped it.</param>
/// <param name="Reason">Why it was dropped.</param>
/// <param name="Context">The event and what enrichment attached.</param>
/// <param name="Deliveries">What each destination would have been sent.</param>
public sealed record PipelineTestResult(int Index, string Event, bool Matched, bool Passed, int? DroppedAtStep, string? Reason, TestContext Context, IReadOnlyList<DeliveryPreview> Deliveries);

/// <summary>The context filters and templates saw.</summary>
public sealed record TestContext(EventPreview Event, FilterUser? User, FilterAccount? Account);

/// <summary>The sample event as normalised.</summary>
public sealed record EventPreview(string Name, string Kind, string? UserId, string? AccountId, string? Feature, DateTimeOffset Timestamp, JsonElement? Properties);

/// <summary>A Slack message (channel and Block Kit payload) or a webhook request (URL and body), as it would have been sent.</summary>
public sealed record DeliveryPreview(string Destination, string Type, string? Channel, JsonElement? Slack, string? Url, JsonElement? Body);
