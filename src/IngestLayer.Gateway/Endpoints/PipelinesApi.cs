using System.Globalization;
using IngestLayer.Contracts;
using IngestLayer.Gateway.Parsing;
using IngestLayer.Gateway.Pipelines;
using IngestLayer.Gateway.Security;
using IngestLayer.Storage;
using IngestLayer.Pipelines.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>
/// <c>/ops/pipelines</c> (admin token): a workspace's pipelines as JSON documents, validated on write (filters and
/// templates parsed) and versioned. Writes go through the workspace's pipelines grain, the one writer.
/// </summary>
public static partial class PipelinesApi
{
    public static IEndpointRouteBuilder MapPipelinesApi(this IEndpointRouteBuilder app)
    {
        var pipelines = app.MapGroup("/ops/pipelines").WithTags("Pipelines").AddEndpointFilter<AdminTokenFilter>();
        pipelines.MapGet("", ListAsync).WithName("ListPipelines").WithSummary("A workspace's pipelines.");
        pipelines.MapGet("/{pipelineId}", GetAsync).WithName("GetPipeline").WithSummary("One pipeline, with its counters and last errors.");
        pipelines.MapPost("", CreateAsync).WithName("CreatePipeline").WithSummary("Add a pipeline (version 1).");
        pipelines.MapPut("/{pipelineId}", ReplaceAsync).WithName("ReplacePipeline").WithSummary("Change a pipeline (a new version); give 'version' to refuse a change made meanwhile.");
        pipelines.MapPost("/{pipelineId}/enable", (string pipelineId, string? workspace, IGrainFactory grains) => SetEnabledAsync(pipelineId, workspace, grains, true))
            .WithName("EnablePipeline").WithSummary("Turn a pipeline on (a new version).");
        pipelines.MapPost("/{pipelineId}/disable", (string pipelineId, string? workspace, IGrainFactory grains) => SetEnabledAsync(pipelineId, workspace, grains, false))
            .WithName("DisablePipeline").WithSummary("Turn a pipeline off without deleting it (a new version).");
        pipelines.MapPost("/{pipelineId}/test", TestAsync).WithName("TestPipeline")
            .WithSummary("Run sample events (the body, as POST /v1/events takes them, or ?last=N stored events) through the pipeline: matched or not, which step dropped each and why, the enriched context and the rendered messages. Nothing is sent.");
        pipelines.MapDelete("/{pipelineId}", DeleteAsync).WithName("DeletePipeline").WithSummary("Delete a pipeline (kept in its history).");
        app.MapNamedListsApi();
        return app;
    }

    private static async Task<Results<Ok<PipelineListResponse>, ProblemHttpResult>> ListAsync(string? workspace, IGrainFactory grains)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var set = await PipelinesOf(grains, workspace).GetAsync();
        return TypedResults.Ok(new PipelineListResponse(workspace, [.. set.Pipelines.Select(p => PipelineDocument.From(p))]));
    }

    /// <summary>A pipeline with how it is doing: events taken and filtered out (since its workspace's grain activated), deliveries by status, the last failures.</summary>
    public sealed record PipelineStatusResponse(PipelineDocument Pipeline, PipelineStats Stats, IReadOnlyList<PipelineError> LastErrors);

    /// <summary>The counters of <see cref="PipelineStatusResponse"/>.</summary>
    public sealed record PipelineStats(long Matched, long FilteredOut, long Delivered, long Failed, long Pending, DateTimeOffset CountingSince);

    /// <summary>One failed delivery: when, where, and what went wrong.</summary>
    public sealed record PipelineError(string DeliveryId, string? Destination, DateTimeOffset At, string? Error, string? Hint);

    private static async Task<Results<Ok<PipelineStatusResponse>, ProblemHttpResult>> GetAsync(
        string pipelineId, string? workspace, IGrainFactory grains, IAlertOutbox outbox, CancellationToken cancellationToken)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        if (await FindAsync(grains, workspace, pipelineId) is not { } pipeline)
        {
            return NoSuchPipeline(pipelineId, workspace);
        }

        var counts = await PipelinesOf(grains, workspace).GetCountsAsync(pipelineId);
        var byStatus = await outbox.CountByStatusAsync(workspace, pipelineId, cancellationToken);
        var failures = await outbox.QueryAsync(new AlertQuery(workspace, Rule: pipelineId, Status: AlertDeliveryStatus.Failed, Limit: 10), cancellationToken);
        var retrying = await outbox.QueryAsync(new AlertQuery(workspace, Rule: pipelineId, Status: AlertDeliveryStatus.Retrying, Limit: 10), cancellationToken);
        var stats = new PipelineStats(
            counts.Matched,
            counts.FilteredOut,
            byStatus.GetValueOrDefault(AlertDeliveryStatus.Sent) + byStatus.GetValueOrDefault(AlertDeliveryStatus.DevInbox),
            byStatus.GetValueOrDefault(AlertDeliveryStatus.Failed),
            byStatus.GetValueOrDefault(AlertDeliveryStatus.Pending) + byStatus.GetValueOrDefault(AlertDeliveryStatus.Retrying),
            counts.Since);
        var errors = failures.Concat(retrying)
            .OrderByDescending(e => e.NextAttemptAt)
            .Take(10)
            .Select(e => new PipelineError(e.Alert.AlertId, e.Alert.DestinationId, e.NextAttemptAt, e.Error, e.Hint))
            .ToList();
        return TypedResults.Ok(new PipelineStatusResponse(PipelineDocument.From(pipeline), stats, errors));
    }

    /// <summary>Most stored events one test runs over (<c>?last=</c>).</summary>
    public const int MaxTestEvents = 1_000;

    /// <summary>The tester's answer.</summary>
    public sealed record PipelineTestResponse(string PipelineId, int Version, bool Enabled, IReadOnlyList<PipelineTestResult> Results, IReadOnlyList<RejectedEvent> Rejected);

    private static async Task<Results<Ok<PipelineTestResponse>, ProblemHttpResult>> TestAsync(
        string pipelineId, int? last, HttpRequest request, string? workspace, IGrainFactory grains, PipelineTester tester, IEventLog log,
        IOptions<IngestLayerOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var set = await PipelinesOf(grains, workspace).GetAsync();
        if (set.Pipelines.FirstOrDefault(p => p.Id == pipelineId) is not { } definition)
        {
            return NoSuchPipeline(pipelineId, workspace);
        }

        IReadOnlyList<IngestEvent> events;
        IReadOnlyList<RejectedEvent> rejected = [];
        if (last is { } count)
        {
            if (count is < 1 or > MaxTestEvents)
            {
                return Problems.BadRequest("Invalid query", $"'last' must be a whole number from 1 to {MaxTestEvents}.");
            }

            events = await log.ReadLatestAsync(workspace, count, cancellationToken);
            if (events.Count == 0)
            {
                return Problems.Conflict("No stored events", $"The event log holds no events of workspace '{workspace}' to test with. (Embedded mode keeps no event bodies: send sample events in the body, or run the host in durable mode, ConnectionStrings:Postgres.)");
            }
        }
        else
        {
            var (body, problem) = await JsonBody.ReadAsync(request, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }

            var parsed = NativeEventParser.Parse(body, new Source("pipeline-test", workspace), time.GetUtcNow(), options.Value.MaxEventBytes);
            if (parsed.EnvelopeError is { } envelope)
            {
                return Problems.BadRequest("Invalid sample", envelope + " Send sample events as POST /v1/events takes them: one event, or {\"events\": [...]}; or ask for ?last=N stored events.");
            }

            if (parsed.Events.Count == 0)
            {
                return Problems.InvalidEvents(parsed.Rejected);
            }

            (events, rejected) = (parsed.Events, parsed.Rejected);
        }

        if (CompiledPipeline.TryCompile(definition, CompiledPipelines.Registry(set.Lists), out var error) is not { } pipeline)
        {
            return Problems.Conflict("Pipeline does not compile", $"Pipeline '{pipelineId}' no longer compiles ({error}); fix it with PUT /ops/pipelines/{pipelineId}.");
        }

        var results = await tester.RunAsync(pipeline, workspace, events);
        return TypedResults.Ok(new PipelineTestResponse(definition.Id, definition.Version, definition.Enabled, results, rejected));
    }

    private static async Task<Results<Created<PipelineDocument>, ProblemHttpResult>> CreateAsync(HttpRequest request, string? workspace, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var (body, problem) = await JsonBody.ReadAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var set = await PipelinesOf(grains, workspace).GetAsync();
        var validated = PipelineValidator.Validate(body, pathId: null, CompiledPipelines.Registry(set.Lists));
        if (validated.Pipeline is not { } pipeline)
        {
            return Problems.Invalid("pipeline", validated.Errors);
        }

        var result = await PipelinesOf(grains, workspace).SaveAsync(pipeline, WriteMode.Create, expectedVersion: null);
        return result.Outcome == SaveOutcome.Saved
            ? TypedResults.Created($"/ops/pipelines/{Uri.EscapeDataString(pipeline.Id)}?workspace={workspace}", PipelineDocument.From(result.Document!, validated.GeneratedSecrets))
            : Problems.Conflict("Pipeline exists", $"Workspace '{workspace}' already has a pipeline '{pipeline.Id}' (version {result.Document?.Version}); change it with PUT /ops/pipelines/{pipeline.Id}.");
    }

    private static async Task<Results<Ok<PipelineDocument>, ProblemHttpResult>> ReplaceAsync(
        string pipelineId, HttpRequest request, string? workspace, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var (body, problem) = await JsonBody.ReadAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var set = await PipelinesOf(grains, workspace).GetAsync();
        var previous = set.Pipelines.FirstOrDefault(p => p.Id == pipelineId);
        var validated = PipelineValidator.Validate(body, pathId: pipelineId, CompiledPipelines.Registry(set.Lists), previous);
        if (validated.Pipeline is not { } pipeline)
        {
            return Problems.Invalid("pipeline", validated.Errors);
        }

        var result = await PipelinesOf(grains, workspace).SaveAsync(pipeline, WriteMode.Replace, validated.ExpectedVersion);
        return Written(result, pipelineId, workspace, validated.ExpectedVersion, validated.GeneratedSecrets);
    }

    private static async Task<Results<Ok<PipelineDocument>, ProblemHttpResult>> SetEnabledAsync(string pipelineId, string? workspace, IGrainFactory grains, bool enabled)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        if (await FindAsync(grains, workspace, pipelineId) is not { } pipeline)
        {
            return NoSuchPipeline(pipelineId, workspace);
        }

        var result = await PipelinesOf(grains, workspace).SaveAsync(pipeline with { Enabled = enabled }, WriteMode.Replace, pipeline.Version);
        return Written(result, pipelineId, workspace, pipeline.Version, null);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string pipelineId, string? workspace, IGrainFactory grains)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var result = await PipelinesOf(grains, workspace).DeleteAsync(pipelineId);
        return result.Outcome == SaveOutcome.Saved ? TypedResults.NoContent() : NoSuchPipeline(pipelineId, workspace);
    }

    private static Results<Ok<PipelineDocument>, ProblemHttpResult> Written(
        SaveResult<PipelineDefinition> result, string pipelineId, string workspace, int? expectedVersion, IReadOnlySet<string>? generatedSecrets) => result.Outcome switch
        {
            SaveOutcome.Saved => TypedResults.Ok(PipelineDocument.From(result.Document!, generatedSecrets)),
            SaveOutcome.NotFound => NoSuchPipeline(pipelineId, workspace),
            _ => Problems.Conflict("Version mismatch",
                $"Pipeline '{pipelineId}' is at version {result.Document?.Version.ToString(CultureInfo.InvariantCulture) ?? "newer than expected"}, not {expectedVersion}: it changed meanwhile. Read it again and apply the change to that version."),
        };

    internal static async Task<PipelineDefinition?> FindAsync(IGrainFactory grains, string workspace, string pipelineId) =>
        (await PipelinesOf(grains, workspace).GetAsync()).Pipelines.FirstOrDefault(p => p.Id == pipelineId);

    internal static IWorkspacePipelinesGrain PipelinesOf(IGrainFactory grains, string workspace) => grains.GetGrain<IWorkspacePipelinesGrain>(workspace);

    internal static ProblemHttpResult NoSuchPipeline(string pipelineId, string workspace) =>
        Problems.NotFound($"Workspace '{workspace}' has no pipeline '{pipelineId}'.");
}
