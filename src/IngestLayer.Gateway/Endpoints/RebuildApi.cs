using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Gateway.Parsing;
using IngestLayer.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>
/// Rebuilding accounts' state from the stored log (<c>/ops</c>, admin token): one account at once, or many as a
/// background job. Nothing is sent for the past; durable mode only (embedded mode's log keeps no event bodies).
/// </summary>
public static class RebuildApi
{
    /// <summary>Ids one bulk rebuild takes at most; <c>{"all": true}</c> has no limit.</summary>
    public const int MaxAccounts = 10_000;

    // 10,000 ids of up to 256 characters, quoted and separated.
    private const int MaxBodyBytes = 4 * 1024 * 1024;

    private const string EmbeddedDetail =
        "Rebuilding replays the stored event log, and embedded mode keeps no event bodies: run the host in durable mode (ConnectionStrings:Postgres).";

    private const string BulkShape = "Send {\"accounts\": [\"<account id>\", ...]} (at most 10000) or {\"all\": true}.";

    /// <summary>What one account's rebuild did.</summary>
    public sealed record RebuildResponse(
        string AccountId, long EventsReplayed, int AlertsSuppressed, RebuildCounts Before, RebuildCounts After, IReadOnlyList<string> RulesHolding);

    /// <summary>Key numbers of an account's state.</summary>
    public sealed record RebuildCounts(long EventsApplied, int Members);

    /// <summary>A bulk rebuild's progress.</summary>
    public sealed record RebuildJobResponse(
        string JobId, string Workspace, string Status, int Total, int Done, int Rebuilt, long EventsReplayed, long AlertsSuppressed,
        int FailureCount, IReadOnlyList<RebuildFailure> Failures, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, string? Error);

    public static IEndpointRouteBuilder MapRebuildApi(this IEndpointRouteBuilder app)
    {
        var ops = app.MapGroup("/ops").WithTags("Ops").AddEndpointFilter<AdminTokenFilter>();
        ops.MapPost("/accounts/{accountId}/rebuild", RebuildAsync).WithName("RebuildAccount")
            .WithSummary("Rebuild an account's state from the stored log through the current rules, sending nothing for the past.");
        ops.MapPost("/accounts/rebuild", StartJobAsync).WithName("RebuildAccounts")
            .WithSummary("Rebuild many accounts (a list, or all with stored events) as a background job; poll the job at its Location.");
        ops.MapGet("/rebuilds/{jobId}", GetJobAsync).WithName("GetRebuildJob").WithSummary("A bulk rebuild's progress.");
        return app;
    }

    private static async Task<Results<Ok<RebuildResponse>, ProblemHttpResult>> RebuildAsync(string accountId, string? workspace, IGrainFactory grains)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        AccountRebuildResult result;
        try
        {
            result = await grains.GetGrain<IAccountGrain>(GrainKeys.Account(workspace, accountId)).RebuildAsync();
        }
        catch (StorageUnavailableException e)
        {
            return Problems.Unavailable($"The event log could not be read, nothing was changed: {e.Message}");
        }

        return result.Outcome switch
        {
            AccountRebuildOutcome.LogKeepsNoEvents => Problems.Conflict("No stored events", EmbeddedDetail),
            AccountRebuildOutcome.NoStoredEvents => Problems.NotFound($"The event log holds no events of account '{accountId}' in workspace '{workspace}'."),
            _ => TypedResults.Ok(new RebuildResponse(
                accountId, result.EventsReplayed, result.AlertsSuppressed, new RebuildCounts(result.EventsAppliedBefore, result.MembersBefore),
                new RebuildCounts(result.EventsAppliedAfter, result.MembersAfter), result.RulesHolding)),
        };
    }

    private static async Task<Results<Accepted<RebuildJobResponse>, ProblemHttpResult>> StartJobAsync(
        string? workspace, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var (body, problem) = await JsonBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (ReadAccounts(body, out var accounts) is { } invalid)
        {
            return invalid;
        }

        var jobId = "rb_" + Guid.NewGuid().ToString("N");
        var status = await grains.GetGrain<IRebuildJobGrain>(GrainKeys.RebuildJob(jobId)).StartAsync(new RebuildJobRequest(workspace, accounts));
        return status is null
            ? Problems.Conflict("No stored events", EmbeddedDetail)
            : TypedResults.Accepted($"/ops/rebuilds/{jobId}", ToResponse(status));
    }

    private static async Task<Results<Ok<RebuildJobResponse>, ProblemHttpResult>> GetJobAsync(string jobId, IGrainFactory grains)
    {
        // Only ids this API made: anything else would activate a job grain for nothing.
        if (!jobId.StartsWith("rb_", StringComparison.Ordinal) || jobId.Length != 35 || jobId.AsSpan(3).IndexOfAnyExcept("0123456789abcdef") >= 0)
        {
            return Problems.NotFound($"No rebuild job has the id '{jobId}'.");
        }

        var status = await grains.GetGrain<IRebuildJobGrain>(GrainKeys.RebuildJob(jobId)).GetStatusAsync();
        return status is null
            ? Problems.NotFound($"No rebuild job has the id '{jobId}' (a job's progress is kept in memory, for an hour after it ends, and not across a restart).")
            : TypedResults.Ok(ToResponse(status));
    }

    /// <summary>The accounts the body names (null: all), or a 400 naming the field at fault.</summary>
    private static ProblemHttpResult? ReadAccounts(JsonElement body, out IReadOnlyList<string>? accounts)
    {
        accounts = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Invalid("The body must be a JSON object. " + BulkShape);
        }

        var hasList = body.TryGetProperty("accounts", out var list);
        var hasAll = body.TryGetProperty("all", out var all);
        if (hasList == hasAll)
        {
            return Invalid((hasList ? "Give 'accounts' or 'all', not both. " : "Name the accounts: 'accounts' or 'all' is required. ") + BulkShape);
        }

        if (hasAll)
        {
            return all.ValueKind == JsonValueKind.True ? null : Invalid("'all' must be true (to rebuild a list, send 'accounts' instead).");
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            return Invalid("'accounts' must be an array of account ids.");
        }

        var count = list.GetArrayLength();
        if (count == 0)
        {
            return Invalid("'accounts' is empty: name at least one account, or send {\"all\": true}.");
        }

        if (count > MaxAccounts)
        {
            return Invalid($"'accounts' has {count} ids, over the limit of {MaxAccounts}: split the list, or send {{\"all\": true}}.");
        }

        var ids = new List<string>(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 and <= JsonFields.MaxIdLength } id)
            {
                return Invalid($"'accounts[{i}]' must be an account id: a non-empty string of at most {JsonFields.MaxIdLength} characters.");
            }

            if (seen.Add(id))
            {
                ids.Add(id);
            }

            i++;
        }

        accounts = ids;
        return null;
    }

    private static ProblemHttpResult Invalid(string detail) => Problems.BadRequest("Invalid rebuild", detail);

    private static RebuildJobResponse ToResponse(RebuildJobStatus s) => new(
        s.JobId, s.Workspace, s.State.ToString().ToLowerInvariant(), s.Total, s.Done, s.Rebuilt, s.EventsReplayed, s.AlertsSuppressed,
        s.FailureCount, s.Failures, s.CreatedAt, s.FinishedAt, s.Error);
}
