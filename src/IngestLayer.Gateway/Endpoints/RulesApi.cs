using IngestLayer.Contracts;
using IngestLayer.Gateway.Rules;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>
/// <c>/ops/rules</c> (admin token): a workspace's rules as JSON documents, validated on write and versioned
/// (every change is a new version). Writes go through the workspace's rules grain, the one writer.
/// </summary>
public static class RulesApi
{
    public static IEndpointRouteBuilder MapRulesApi(this IEndpointRouteBuilder app)
    {
        var rules = app.MapGroup("/ops/rules").WithTags("Rules").AddEndpointFilter<AdminTokenFilter>();
        rules.MapGet("", ListAsync).WithName("ListRules").WithSummary("A workspace's rules (the default set until one is stored).");
        rules.MapGet("/{ruleId}", GetAsync).WithName("GetRule").WithSummary("One rule.");
        rules.MapPost("", CreateAsync).WithName("CreateRule").WithSummary("Add a rule (version 1).");
        rules.MapPut("/{ruleId}", ReplaceAsync).WithName("ReplaceRule").WithSummary("Change a rule (a new version); give 'version' to refuse a change made meanwhile.");
        rules.MapDelete("/{ruleId}", DeleteAsync).WithName("DeleteRule").WithSummary("Delete a rule (kept in its history).");
        return app;
    }

    private static async Task<Results<Ok<RuleListResponse>, ProblemHttpResult>> ListAsync(string? workspace, IGrainFactory grains)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var set = await RulesOf(grains, workspace).GetAsync();
        return TypedResults.Ok(new RuleListResponse(workspace, set.IsDefault, [.. set.Rules.Select(RuleDocument.From)]));
    }

    private static async Task<Results<Ok<RuleDocument>, ProblemHttpResult>> GetAsync(string ruleId, string? workspace, IGrainFactory grains)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var set = await RulesOf(grains, workspace).GetAsync();
        return set.Rules.FirstOrDefault(r => r.Id == ruleId) is { } rule
            ? TypedResults.Ok(RuleDocument.From(rule))
            : NoSuchRule(ruleId, workspace);
    }

    private static async Task<Results<Created<RuleDocument>, ProblemHttpResult>> CreateAsync(HttpRequest request, string? workspace, IGrainFactory grains, CancellationToken cancellationToken)
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

        var validated = RuleValidator.Validate(body, pathId: null);
        if (validated.Rule is not { } rule)
        {
            return Problems.InvalidRule(validated.Errors);
        }

        var result = await RulesOf(grains, workspace).SaveAsync(rule, RuleWriteMode.Create, expectedVersion: null);
        return result.Outcome == RuleSaveOutcome.Saved
            ? TypedResults.Created($"/ops/rules/{Uri.EscapeDataString(rule.Id)}?workspace={workspace}", RuleDocument.From(result.Rule!))
            : Problems.Conflict("Rule exists", $"Workspace '{workspace}' already has a rule '{rule.Id}' (version {result.Rule?.Version}); change it with PUT /ops/rules/{rule.Id}.");
    }

    private static async Task<Results<Ok<RuleDocument>, ProblemHttpResult>> ReplaceAsync(
        string ruleId, HttpRequest request, string? workspace, IGrainFactory grains, CancellationToken cancellationToken)
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

        var validated = RuleValidator.Validate(body, pathId: ruleId);
        if (validated.Rule is not { } rule)
        {
            return Problems.InvalidRule(validated.Errors);
        }

        var result = await RulesOf(grains, workspace).SaveAsync(rule, RuleWriteMode.Replace, validated.ExpectedVersion);
        return result.Outcome switch
        {
            RuleSaveOutcome.Saved => TypedResults.Ok(RuleDocument.From(result.Rule!)),
            RuleSaveOutcome.NotFound => NoSuchRule(ruleId, workspace),
            _ => Problems.Conflict("Version mismatch",
                $"Rule '{ruleId}' is at version {result.Rule?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "newer than expected"}, not {validated.ExpectedVersion}: it changed meanwhile. Read it again and apply the change to that version."),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string ruleId, string? workspace, IGrainFactory grains)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var result = await RulesOf(grains, workspace).DeleteAsync(ruleId);
        return result.Outcome == RuleSaveOutcome.Saved ? TypedResults.NoContent() : NoSuchRule(ruleId, workspace);
    }

    private static IWorkspaceRulesGrain RulesOf(IGrainFactory grains, string workspace) =>
        grains.GetGrain<IWorkspaceRulesGrain>(GrainKeys.Rules(workspace));

    private static ProblemHttpResult NoSuchRule(string ruleId, string workspace) =>
        Problems.NotFound($"Workspace '{workspace}' has no rule '{ruleId}'.");
}
