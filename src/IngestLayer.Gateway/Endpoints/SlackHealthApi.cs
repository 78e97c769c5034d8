using IngestLayer.Slack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>
/// <c>GET /ops/slack/channels/health</c> (admin token): how deliveries to each Slack channel are going, so an operator
/// sees a failing destination without waiting for its alerts to pile up.
/// </summary>
public static class SlackHealthApi
{
    /// <summary>
    /// Each channel this host's delivery worker has posted to, failing ones first; <paramref name="OperatorChannel"/> is
    /// where failing channels are reported (null: only the log and this endpoint say it).
    /// </summary>
    public sealed record SlackChannelsHealthResponse(string? OperatorChannel, IReadOnlyList<SlackChannelHealthReport> Channels);

    public static IEndpointRouteBuilder MapSlackHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/ops/slack").WithTags("Slack").AddEndpointFilter<AdminTokenFilter>()
            .MapGet("/channels/health", GetHealth)
            .WithName("GetSlackChannelHealth")
            .WithSummary("Delivery health per Slack channel (as this host saw it): failures in a row, last error and hint, rate-limit pauses.");
        return app;
    }

    private static Ok<SlackChannelsHealthResponse> GetHealth(SlackChannelHealth health, IOptionsMonitor<SlackOptions> options, TimeProvider time) =>
        TypedResults.Ok(new SlackChannelsHealthResponse(options.CurrentValue.OperatorChannelOrNull, health.Report(time.GetUtcNow())));
}
