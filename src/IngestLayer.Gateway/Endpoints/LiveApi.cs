using IngestLayer.Contracts;
using IngestLayer.Contracts.Live;
using IngestLayer.Gateway.Live;
using IngestLayer.Pipelines.Filters;
using IngestLayer.Pipelines.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>
/// The live feeds (admin token) as server-sent events: an account's applied events and raised alerts, or those of
/// every account an owner holds, optionally filtered with the filter language. A view, not a log: nothing is
/// replayed, and a subscriber that falls behind is dropped.
/// </summary>
public static class LiveApi
{
    public static IEndpointRouteBuilder MapLiveApi(this IEndpointRouteBuilder app)
    {
        // No read-your-writes wait: a feed shows what is applied from now on.
        var live = app.MapGroup("/ops").WithTags("Live").AddEndpointFilter<AdminTokenFilter>();
        live.MapGet("/accounts/{accountId}/live", (string accountId, string? workspace, string? filter, HttpContext http, IGrainFactory grains, LiveFeeds feeds) =>
                ServeAsync(http, workspace, filter, grains, feeds, ws => new LiveFeed("account", ws, accountId, LiveStreams.AccountKey(GrainKeys.Account(ws, accountId)))))
            .WithName("AccountLiveFeed").WithSummary("An account's events and alerts as they are applied (text/event-stream).");
        live.MapGet("/owners/{owner}/live", (string owner, string? workspace, string? filter, HttpContext http, IGrainFactory grains, LiveFeeds feeds) =>
                ServeAsync(http, workspace, filter, grains, feeds, ws => new LiveFeed("owner", ws, owner, LiveStreams.OwnerKey(ws, owner))))
            .WithName("OwnerLiveFeed").WithSummary("The events and alerts of every account an owner holds, as they are applied (text/event-stream).");
        return app;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ServeAsync(
        HttpContext http, string? workspace, string? filter, IGrainFactory grains, LiveFeeds feeds, Func<string, LiveFeed> feedOf)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        CompiledFilter? compiled = null;
        if (!string.IsNullOrWhiteSpace(filter))
        {
            // Compiled once per feed, against the workspace's named lists as pipelines are.
            var set = await PipelinesApi.PipelinesOf(grains, workspace).GetAsync();
            if (!FilterCompiler.TryCompile(filter, CompiledPipelines.Registry(set.Lists), out compiled, out var error))
            {
                return Problems.InvalidFilter(error);
            }
        }

        if (!feeds.TryEnter())
        {
            http.Response.Headers.RetryAfter = "5";
            return Problems.Overloaded("This host serves as many live feeds as it is configured for (IngestLayer:Live:MaxSubscribers); try again later or on another host.");
        }

        await feeds.ServeAsync(http, feedOf(workspace), compiled);
        return TypedResults.Empty;
    }
}
