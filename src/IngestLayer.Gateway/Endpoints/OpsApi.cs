using System.Text;
using IngestLayer.Contracts;
using IngestLayer.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>The ops API (<c>/ops</c>, admin token): live grain state, alerts, and the book of business.</summary>
public static class OpsApi
{
    /// <summary>An account's live state and its alerts with their delivery status.</summary>
    public sealed record AccountResponse(AccountSnapshot Account, IReadOnlyList<OutboxEntry> Alerts);

    /// <summary>A snooze in force: the account, the rule (<c>*</c> for every rule) and until when.</summary>
    public sealed record SnoozeResponse(string AccountId, string Rule, DateTimeOffset Until);

    /// <summary>The outcome of a book-of-business import.</summary>
    public sealed record OwnerImportResponse(int Applied, IReadOnlyList<OwnerRowError> Errors);

    public static IEndpointRouteBuilder MapOpsApi(this IEndpointRouteBuilder app)
    {
        var ops = app.MapGroup("/ops").WithTags("Ops").AddEndpointFilter<AdminTokenFilter>().AddEndpointFilter<ReadYourWritesFilter>();
        ops.MapGet("/accounts/{accountId}", GetAccountAsync).WithName("GetAccount").WithSummary("An account grain's live state.");
        ops.MapGet("/users/{userId}", GetUserAsync).WithName("GetUser").WithSummary("A user grain's live state.");
        ops.MapPost("/accounts/{accountId}/snooze", SnoozeAsync).WithName("SnoozeAccount").WithSummary("Silence an account's alerts (one rule or all) for a while: they are recorded, not sent.");
        ops.MapGet("/alerts", GetAlertsAsync).WithName("GetAlerts").WithSummary("Alerts, newest first, with their delivery status.");
        ops.MapPost("/alerts/{alertId}/retry", RetryAlertAsync).WithName("RetryAlert").WithSummary("Send a failed alert again (after fixing what made it fail).");
        ops.MapPost("/owners/import", ImportOwnersAsync).WithName("ImportOwners").WithSummary("Import the book of business (CSV: account_id,owner,slack_channel).");
        return app;
    }

    private static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> GetAccountAsync(
        string accountId, string? workspace, IGrainFactory grains, IAlertOutbox outbox, CancellationToken cancellationToken)
    {
        if (CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var snapshot = await grains.GetGrain<IAccountGrain>(GrainKeys.Account(workspace, accountId)).GetSnapshotAsync();
        if (snapshot is null)
        {
            return Problems.NotFound($"No events have been seen for account '{accountId}' in workspace '{workspace}'.");
        }

        var alerts = await outbox.QueryAsync(new AlertQuery(workspace, accountId, Limit: 50), cancellationToken);
        return TypedResults.Ok(new AccountResponse(snapshot, alerts));
    }

    private static async Task<Results<Ok<UserSnapshot>, ProblemHttpResult>> GetUserAsync(string userId, string? workspace, IGrainFactory grains)
    {
        if (CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var snapshot = await grains.GetGrain<IUserGrain>(GrainKeys.User(workspace, userId)).GetSnapshotAsync();
        return snapshot is null
            ? Problems.NotFound($"No events have been seen for user '{userId}' in workspace '{workspace}'.")
            : TypedResults.Ok(snapshot);
    }

    private static async Task<Results<Ok<IReadOnlyList<OutboxEntry>>, ProblemHttpResult>> GetAlertsAsync(
        string? workspace,
        [FromQuery(Name = "account_id")] string? accountId,
        string? signal,
        string? rule,
        string? owner,
        string? status,
        string? since,
        string? until,
        int? limit,
        IAlertOutbox outbox,
        CancellationToken cancellationToken)
    {
        if (workspace is not null && !IngestLayerOptions.IsValidWorkspace(workspace))
        {
            return InvalidWorkspace();
        }

        AlertDeliveryStatus? parsedStatus = null;
        if (status is not null)
        {
            if (!TryParseStatus(status, out var s))
            {
                return Problems.BadRequest("Invalid query", "'status' must be one of pending, retrying, sent, failed, dev_inbox, snoozed, held_for_digest, digested.");
            }

            parsedStatus = s;
        }

        if (limit is < 1 or > 1000)
        {
            return Problems.BadRequest("Invalid query", "'limit' must be from 1 to 1000.");
        }

        if (!TryParseTime(since, out var sinceTime) || !TryParseTime(until, out var untilTime))
        {
            return Problems.BadRequest("Invalid query", "'since' and 'until' must be ISO 8601 times with an offset, e.g. 2026-11-23T09:00:00Z.");
        }

        var alerts = await outbox.QueryAsync(
            new AlertQuery(workspace, accountId, signal, parsedStatus, limit ?? 100, rule, owner, sinceTime, untilTime), cancellationToken);
        return TypedResults.Ok(alerts);
    }

    private static async Task<Results<Ok<SnoozeResponse>, ProblemHttpResult>> SnoozeAsync(
        string accountId, string? workspace, HttpRequest request, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        if (CheckWorkspace(ref workspace) is { } bad)
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
            return Problems.BadRequest("Invalid snooze", "Send a JSON object: {\"duration\": \"4h\"} to snooze every rule, plus \"rule\": \"<rule id>\" for one.");
        }

        string? rule = null;
        if (body.TryGetProperty("rule", out var r) && r.ValueKind != System.Text.Json.JsonValueKind.Null)
        {
            if (r.ValueKind != System.Text.Json.JsonValueKind.String)
            {
                return Problems.BadRequest("Invalid snooze", "'rule' must be a rule id, or \"*\" (or absent) for every rule.");
            }

            rule = r.GetString() == "*" ? null : r.GetString();
        }

        if (!body.TryGetProperty("duration", out var d) || d.ValueKind != System.Text.Json.JsonValueKind.String
            || !Rules.Durations.TryParse(d.GetString(), out var duration) || duration > MaxSnooze)
        {
            return Problems.BadRequest("Invalid snooze", "'duration' is required: a duration such as \"30m\", \"4h\" or \"7d\", at most 90d (\"0s\" ends a snooze).");
        }

        if (rule is not null)
        {
            var rules = await grains.GetGrain<IWorkspaceRulesGrain>(GrainKeys.Rules(workspace)).GetAsync();
            if (!rules.Rules.Any(x => x.Id == rule))
            {
                return Problems.BadRequest("Invalid snooze", $"'rule' names no rule of workspace '{workspace}': '{rule}'.");
            }
        }

        var snoozeUntil = time.GetUtcNow() + duration;
        await grains.GetGrain<IAccountGrain>(GrainKeys.Account(workspace, accountId)).SnoozeAsync(rule, snoozeUntil);
        return TypedResults.Ok(new SnoozeResponse(accountId, rule ?? "*", snoozeUntil));
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> RetryAlertAsync(string alertId, IAlertOutbox outbox, CancellationToken cancellationToken) =>
        await outbox.RequeueAsync(alertId, cancellationToken) switch
        {
            RequeueResult.Requeued => TypedResults.Accepted((string?)null),
            RequeueResult.Unknown => Problems.NotFound($"No alert has the id '{alertId}'."),
            _ => Problems.Conflict("Alert not failed",
                $"Alert '{alertId}' has not failed: it is pending, being retried, or already delivered. Only failed alerts can be retried."),
        };

    private static async Task<Results<Ok<OwnerImportResponse>, ProblemHttpResult>> ImportOwnersAsync(
        HttpRequest request, string? workspace, IGrainFactory grains, IOwnerStore owners, IOptions<IngestLayerOptions> options, CancellationToken cancellationToken)
    {
        if (CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not ("text/csv" or "application/csv" or "text/plain"))
        {
            return Problems.UnsupportedMediaType("Send the book of business as text/csv with the header account_id,owner,slack_channel.");
        }

        using var body = await RequestBody.ReadAsync(request, options.Value.MaxCsvBytes, cancellationToken);
        if (body.TooLarge)
        {
            return Problems.TooLarge($"The CSV is over the {options.Value.MaxCsvBytes}-byte limit.");
        }

        if (body.Error is { } error)
        {
            return Problems.BadRequest("Unreadable body", error);
        }

        using var reader = new StringReader(Encoding.UTF8.GetString(body.Memory.Span));
        var (rows, errors, fileError) = OwnerCsv.Read(reader);
        if (fileError is not null)
        {
            return Problems.BadRequest("Invalid CSV", fileError);
        }

        // The store first: it is the record that outlives the process; the grains are the live view of it.
        await owners.UpsertAsync(workspace, [.. rows.Select(r => new OwnerRecord(r.AccountId, r.Owner, r.SlackChannel))], cancellationToken);

        // Grains are independent, so the rows are applied concurrently in bounded chunks.
        foreach (var chunk in rows.Chunk(256))
        {
            await Task.WhenAll(chunk.Select(row =>
                grains.GetGrain<IAccountGrain>(GrainKeys.Account(workspace, row.AccountId)).AssignOwnerAsync(new OwnerAssignment(row.Owner, row.SlackChannel))));
        }

        return TypedResults.Ok(new OwnerImportResponse(rows.Count, errors));
    }

    internal static ProblemHttpResult? CheckWorkspace([System.Diagnostics.CodeAnalysis.NotNull] ref string? workspace)
    {
        workspace ??= IngestLayerOptions.DefaultWorkspace;
        return IngestLayerOptions.IsValidWorkspace(workspace) ? null : InvalidWorkspace();
    }

    private static ProblemHttpResult InvalidWorkspace() =>
        Problems.BadRequest("Invalid query", "'workspace' may hold letters, digits, '-' and '_' (at most 64).");

    private static readonly TimeSpan MaxSnooze = TimeSpan.FromDays(90);

    private static bool TryParseTime(string? text, out DateTimeOffset? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    private static bool TryParseStatus(string value, out AlertDeliveryStatus status)
    {
        status = value switch
        {
            "pending" => AlertDeliveryStatus.Pending,
            "retrying" => AlertDeliveryStatus.Retrying,
            "sent" => AlertDeliveryStatus.Sent,
            "failed" => AlertDeliveryStatus.Failed,
            "dev_inbox" => AlertDeliveryStatus.DevInbox,
            "snoozed" => AlertDeliveryStatus.Snoozed,
            "held_for_digest" => AlertDeliveryStatus.HeldForDigest,
            "digested" => AlertDeliveryStatus.Digested,
            _ => (AlertDeliveryStatus)(-1),
        };
        return Enum.IsDefined(status);
    }
}
