using IngestLayer.Gateway.SlackApp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>
/// The Slack app's request URLs: <c>POST /slack/commands</c> (the <c>/engagement</c> slash command) and
/// <c>POST /slack/interactions</c> (alert buttons). Authenticated by Slack's request signature, not a token.
/// </summary>
public static class SlackApi
{
    public static IEndpointRouteBuilder MapSlackApi(this IEndpointRouteBuilder app)
    {
        var slack = app.MapGroup("/slack").WithTags("Slack");
        slack.MapPost("/commands", CommandAsync)
            .WithName("SlackCommand")
            .WithSummary("Slack slash command /engagement <account>: the account's plan, owner, health, top features, active users and last alerts.");
        slack.MapPost("/interactions", InteractionAsync)
            .WithName("SlackInteraction")
            .WithSummary("Slack interactivity: the Acknowledge and Snooze 7 days buttons of alert messages.");
        return app;
    }

    // Slack shows anything but a 200 as a failure, so every answer to a verified command is a 200 with a message.
    private static async Task<Results<JsonHttpResult<System.Text.Json.JsonElement>, ProblemHttpResult>> CommandAsync(
        HttpRequest request, SlackRequestReader reader, EngagementCommand command, CancellationToken cancellationToken)
    {
        var read = await reader.ReadAsync(request, cancellationToken);
        if (read.Problem is { } problem)
        {
            return problem;
        }

        var answer = await command.AnswerAsync(read, cancellationToken);
        return TypedResults.Json(answer.ToJson());
    }

    private static async Task<Results<Ok, ProblemHttpResult>> InteractionAsync(
        HttpRequest request, SlackRequestReader reader, AlertInteractions interactions, CancellationToken cancellationToken)
    {
        var read = await reader.ReadAsync(request, cancellationToken);
        if (read.Problem is { } problem)
        {
            return problem;
        }

        return await interactions.HandleAsync(read, cancellationToken) is { } failed ? failed : TypedResults.Ok();
    }
}
