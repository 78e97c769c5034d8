using System.Globalization;
using IngestLayer.Contracts;
using IngestLayer.Contracts.Webhooks;
using IngestLayer.Gateway.WebhookSources;
using IngestLayer.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>
/// <c>/ops/webhook-sources</c> (admin token): a workspace's webhook sources, validated on write and versioned in the
/// config store. The store's version check makes concurrent writes safe, so no grain stands in front of it.
/// </summary>
public static class WebhookSourcesApi
{
    public static IEndpointRouteBuilder MapWebhookSourcesApi(this IEndpointRouteBuilder app)
    {
        var sources = app.MapGroup("/ops/webhook-sources").WithTags("Webhook sources").AddEndpointFilter<AdminTokenFilter>();
        sources.MapGet("", ListAsync).WithName("ListWebhookSources").WithSummary("A workspace's webhook sources (secrets never shown).");
        sources.MapGet("/{sourceId}", GetAsync).WithName("GetWebhookSource").WithSummary("One webhook source.");
        sources.MapPost("", CreateAsync).WithName("CreateWebhookSource")
            .WithSummary("Add a webhook source; its id (and its secret, when none is given) is made here and shown once.");
        sources.MapPut("/{sourceId}", ReplaceAsync).WithName("ReplaceWebhookSource")
            .WithSummary("Change a webhook source (a new version); secrets left out are kept; give 'version' to refuse a change made meanwhile.");
        sources.MapDelete("/{sourceId}", DeleteAsync).WithName("DeleteWebhookSource").WithSummary("Delete a webhook source (kept in its history); its URL stops working.");
        return app;
    }

    private static async Task<Results<Ok<WebhookSourceListResponse>, ProblemHttpResult>> ListAsync(string? workspace, IWebhookSourceStore store, CancellationToken cancellationToken)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var sources = await store.ListAsync(workspace, cancellationToken) ?? [];
        return TypedResults.Ok(new WebhookSourceListResponse(workspace, [.. sources.Select(s => WebhookSourceDocument.From(s))]));
    }

    private static async Task<Results<Ok<WebhookSourceDocument>, ProblemHttpResult>> GetAsync(
        string sourceId, string? workspace, IWebhookSourceStore store, CancellationToken cancellationToken)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        return await FindAsync(store, workspace, sourceId, cancellationToken) is { } source
            ? TypedResults.Ok(WebhookSourceDocument.From(source))
            : NoSuchSource(sourceId, workspace);
    }

    private static async Task<Results<Created<WebhookSourceDocument>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, string? workspace, IWebhookSourceStore store, TimeProvider time, CancellationToken cancellationToken)
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

        var validated = WebhookSourceValidator.Validate(body, previous: null);
        if (validated.Source is not { } source)
        {
            return Problems.Invalid("webhook source", validated.Errors);
        }

        var result = await store.SaveAsync(workspace, source, WriteMode.Create, expectedVersion: null, time.GetUtcNow(), cancellationToken);
        return result.Outcome == SaveOutcome.Saved
            ? TypedResults.Created($"/ops/webhook-sources/{source.Id}?workspace={workspace}", WebhookSourceDocument.From(result.Document!, validated.GeneratedSecret))
            : Problems.Conflict("Webhook source exists", $"A webhook source '{source.Id}' exists already; try again.");
    }

    private static async Task<Results<Ok<WebhookSourceDocument>, ProblemHttpResult>> ReplaceAsync(
        string sourceId, HttpRequest request, string? workspace, IWebhookSourceStore store, WebhookSourceDirectory directory, TimeProvider time,
        CancellationToken cancellationToken)
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

        if (await FindAsync(store, workspace, sourceId, cancellationToken) is not { } previous)
        {
            return NoSuchSource(sourceId, workspace);
        }

        var validated = WebhookSourceValidator.Validate(body, previous);
        if (validated.Source is not { } source)
        {
            return Problems.Invalid("webhook source", validated.Errors);
        }

        var result = await store.SaveAsync(workspace, source, WriteMode.Replace, validated.ExpectedVersion, time.GetUtcNow(), cancellationToken);
        directory.Invalidate(sourceId);
        return result.Outcome switch
        {
            SaveOutcome.Saved => TypedResults.Ok(WebhookSourceDocument.From(result.Document!, validated.GeneratedSecret)),
            SaveOutcome.NotFound => NoSuchSource(sourceId, workspace),
            _ => Problems.Conflict("Version mismatch",
                $"Webhook source '{sourceId}' is at version {result.Document?.Version.ToString(CultureInfo.InvariantCulture) ?? "newer than expected"}, not {validated.ExpectedVersion}: it changed meanwhile. Read it again and apply the change to that version."),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string sourceId, string? workspace, IWebhookSourceStore store, WebhookSourceDirectory directory, TimeProvider time, CancellationToken cancellationToken)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var result = await store.DeleteAsync(workspace, sourceId, time.GetUtcNow(), cancellationToken);
        directory.Invalidate(sourceId);
        return result.Outcome == SaveOutcome.Saved ? TypedResults.NoContent() : NoSuchSource(sourceId, workspace);
    }

    private static async Task<WebhookSourceDefinition?> FindAsync(IWebhookSourceStore store, string workspace, string sourceId, CancellationToken cancellationToken) =>
        (await store.ListAsync(workspace, cancellationToken))?.FirstOrDefault(s => s.Id == sourceId);

    private static ProblemHttpResult NoSuchSource(string sourceId, string workspace) =>
        Problems.NotFound($"Workspace '{workspace}' has no webhook source '{sourceId}'.");
}
