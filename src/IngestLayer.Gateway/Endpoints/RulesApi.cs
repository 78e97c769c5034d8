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
        rules.MapPost("/backtest", BacktestAsync).WithName("BacktestRule").WithSummary("Replay the stored events through a rule (saved or draft) and list the alerts it would have fired, sending nothing.");
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

        var result = await RulesOf(grains, workspace).SaveAsync(rule, WriteMode.Create, expectedVersion: null);
        return result.Outcome == SaveOutcome.Saved
            ? TypedResults.Created($"/ops/rules/{Uri.EscapeDataString(rule.Id)}?workspace={workspace}", RuleDocument.From(result.Document!))
            : Problems.Conflict("Rule exists", $"Workspace '{workspace}' already has a rule '{rule.Id}' (version {result.Document?.Version}); change it with PUT /ops/rules/{rule.Id}.");
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

        var result = await RulesOf(grains, workspace).SaveAsync(rule, WriteMode.Replace, validated.ExpectedVersion);
        return result.Outcome switch
        {
            SaveOutcome.Saved => TypedResults.Ok(RuleDocument.From(result.Document!)),
            SaveOutcome.NotFound => NoSuchRule(ruleId, workspace),
            _ => Problems.Conflict("Version mismatch",
                $"Rule '{ruleId}' is at version {result.Document?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "newer than expected"}, not {validated.ExpectedVersion}: it changed meanwhile. Read it again and apply the change to that version."),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string ruleId, string? workspace, IGrainFactory grains)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var result = await RulesOf(grains, workspace).DeleteAsync(ruleId);
        return result.Outcome == SaveOutcome.Saved ? TypedResults.NoContent() : NoSuchRule(ruleId, workspace);
    }

    /// <summary>A backtest's answer: the range and rule it ran, and what it would have fired.</summary>
    public sealed record BacktestResponse(string RuleId, DateTimeOffset From, DateTimeOffset To, long EventsScanned, bool Truncated, IReadOnlyDictionary<string, int> PerChannel, IReadOnlyList<Alert> Alerts);

    private static readonly TimeSpan MaxBacktestRange = TimeSpan.FromDays(366);

    private static async Task<Results<Ok<BacktestResponse>, ProblemHttpResult>> BacktestAsync(
        HttpRequest request, string? workspace, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
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

        if (body.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            return Problems.BadRequest("Invalid backtest", "Send {\"rule_id\": \"<saved rule>\"} or {\"rule\": {<rule document>}}, with \"from\" and optionally \"to\" (ISO 8601).");
        }

        if (!TryTime(body, "from", out var from) || from is null)
        {
            return Problems.BadRequest("Invalid backtest", "'from' is required: an ISO 8601 time with an offset, e.g. 2026-11-01T00:00:00Z.");
        }

        if (!TryTime(body, "to", out var to))
        {
            return Problems.BadRequest("Invalid backtest", "'to' must be an ISO 8601 time with an offset (default: now).");
        }

        var until = to ?? time.GetUtcNow();
        if (until <= from || until - from > MaxBacktestRange)
        {
            return Problems.BadRequest("Invalid backtest", "'to' must be after 'from', at most 366 days later.");
        }

        RuleDefinition rule;
        if (body.TryGetProperty("rule", out var draft) && draft.ValueKind != System.Text.Json.JsonValueKind.Null)
        {
            // A draft needs no id: it is never stored.
            var hasId = draft.ValueKind == System.Text.Json.JsonValueKind.Object && draft.TryGetProperty("id", out _);
            var validated = RuleValidator.Validate(draft, hasId ? null : "draft");
            if (validated.Rule is null)
            {
                return Problems.InvalidRule([.. validated.Errors.Select(e => e with { Field = e.Field.Length == 0 ? "rule" : "rule." + e.Field })]);
            }

            rule = validated.Rule;
        }
        else if (body.TryGetProperty("rule_id", out var id) && id.ValueKind == System.Text.Json.JsonValueKind.String)
        {
            var set = await RulesOf(grains, workspace).GetAsync();
            if (set.Rules.FirstOrDefault(r => r.Id == id.GetString()) is not { } saved)
            {
                return NoSuchRule(id.GetString()!, workspace);
            }

            rule = saved;
        }
        else
        {
            return Problems.BadRequest("Invalid backtest", "Name the rule: 'rule_id' (a saved rule) or 'rule' (a rule document).");
        }

        var result = await grains.GetGrain<IBacktestGrain>(0).RunAsync(new BacktestRequest(workspace, rule, from.Value, until));
        return result is null
            ? Problems.Conflict("No stored events", "Backtesting replays the stored event log, and embedded mode keeps no event bodies: run the host in durable mode (ConnectionStrings:Postgres).")
            : TypedResults.Ok(new BacktestResponse(rule.Id, from.Value, until, result.EventsScanned, result.Truncated, result.PerChannel, result.Alerts));
    }

    private static bool TryTime(System.Text.Json.JsonElement body, string name, out DateTimeOffset? value)
    {
        value = null;
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == System.Text.Json.JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind == System.Text.Json.JsonValueKind.String
            && DateTimeOffset.TryParse(element.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    private static IWorkspaceRulesGrain RulesOf(IGrainFactory grains, string workspace) =>
        grains.GetGrain<IWorkspaceRulesGrain>(GrainKeys.Rules(workspace));

    private static ProblemHttpResult NoSuchRule(string ruleId, string workspace) =>
        Problems.NotFound($"Workspace '{workspace}' has no rule '{ruleId}'.");
}
