using System.Text.Json;
using System.Text.Json.Serialization;
using IngestLayer.Gateway.Rules;
using IngestLayer.Gateway.Security;
using IngestLayer.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>
/// <c>/ops/sources</c> (admin token): create a source (its write key is shown in that answer only), rotate its key
/// with a grace period for the old one, revoke it. Configured sources are listed, read-only, and never their keys.
/// </summary>
public static partial class SourcesApi
{
    private static readonly TimeSpan DefaultGrace = TimeSpan.FromHours(24);
    private static readonly TimeSpan MaxGrace = TimeSpan.FromDays(30);

    /// <summary>
    /// A source as the ops API shows it. <see cref="WriteKey"/> is only in the answer that created the key;
    /// configured sources have no prefix (their operator-chosen keys can be as short as 8 characters).
    /// </summary>
    public sealed record SourceResponse(
        string Name,
        string Workspace,
        bool Configured,
        string? KeyPrefix,
        DateTimeOffset? CreatedAt,
        DateTimeOffset? RotatedAt,
        DateTimeOffset? PreviousKeyValidUntil,
        DateTimeOffset? RevokedAt,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? WriteKey = null)
    {
        public static SourceResponse From(SourceRecord s, string? writeKey = null) =>
            new(s.Name, s.Workspace, false, s.KeyPrefix, s.CreatedAt, s.RotatedAt, s.PreviousKeyValidUntil, s.RevokedAt, writeKey);

        public static SourceResponse From(Source s) => new(s.Name, s.Workspace, true, null, null, null, null, null);
    }

    public static IEndpointRouteBuilder MapSourcesApi(this IEndpointRouteBuilder app)
    {
        var sources = app.MapGroup("/ops/sources").WithTags("Sources").AddEndpointFilter<AdminTokenFilter>();
        sources.MapGet("", ListAsync).WithName("ListSources").WithSummary("Every source: configured ones (read-only) and created ones, revoked included. Never a key.");
        sources.MapPost("", CreateAsync).WithName("CreateSource").WithSummary("Create a source: {\"name\": ..., \"workspace\": ...}. Its write key is in this answer only.");
        sources.MapPost("/{name}/rotate", RotateAsync).WithName("RotateSourceKey")
            .WithSummary("Give a source a new key (in this answer only); the old one keeps working for the grace period: {\"grace\": \"24h\"}.");
        sources.MapDelete("/{name}", RevokeAsync).WithName("RevokeSource").WithSummary("Revoke a source: its keys are refused from now on.");
        return app;
    }

    private static async Task<Results<Ok<List<SourceResponse>>, ProblemHttpResult>> ListAsync(
        string? workspace, WriteKeys keys, ISourceStore store, CancellationToken cancellationToken)
    {
        if (workspace is not null && !IngestLayerOptions.IsValidWorkspace(workspace))
        {
            return Problems.BadRequest("Invalid query", "'workspace' may hold letters, digits, '-' and '_' (at most 64).");
        }

        var stored = await TryStoreAsync(() => store.ListAsync(includeRevoked: true, cancellationToken).AsTask());
        if (stored.Problem is { } problem)
        {
            return problem;
        }

        List<SourceResponse> all =
        [
            .. keys.Configured.Values.OrderBy(s => s.Name, StringComparer.Ordinal).Select(SourceResponse.From),
            .. stored.Value!.Select(s => SourceResponse.From(s)),
        ];
        return TypedResults.Ok(workspace is null ? all : [.. all.Where(s => s.Workspace == workspace)]);
    }

    private static async Task<Results<Created<SourceResponse>, ProblemHttpResult>> CreateAsync(
        HttpContext http, WriteKeys keys, ISourceStore store, SourceKeyRefresher refresher, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return Invalid("", "Send a JSON object: {\"name\": \"web\", \"workspace\": \"default\"}.");
        }

        if (!body.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String || !IngestLayerOptions.IsValidWorkspace(n.GetString()!))
        {
            return Invalid("name", "is required: letters, digits, '-' and '_' (at most 64).");
        }

        var workspace = IngestLayerOptions.DefaultWorkspace;
        if (body.TryGetProperty("workspace", out var w) && w.ValueKind != JsonValueKind.Null)
        {
            if (w.ValueKind != JsonValueKind.String || !IngestLayerOptions.IsValidWorkspace(w.GetString()!))
            {
                return Invalid("workspace", "may hold letters, digits, '-' and '_' (at most 64); absent means 'default'.");
            }

            workspace = w.GetString()!;
        }

        var name = n.GetString()!;
        if (keys.Configured.ContainsKey(name))
        {
            return ConfiguredConflict(name);
        }

        var key = SourceKeys.Generate();
        var record = new SourceRecord(workspace, name, WriteKeys.Digest(key), SourceKeys.Prefix(key), time.GetUtcNow());
        var created = await TryStoreAsync(() => store.CreateAsync(record, cancellationToken).AsTask());
        if (created.Problem is { } failed)
        {
            return failed;
        }

        if (!created.Value)
        {
            return Problems.Conflict("Source exists", $"Workspace '{workspace}' already has a source named '{name}'; rotate its key or revoke it first.");
        }

        await RefreshAsync(refresher, cancellationToken);
        LogCreated(Logger(loggers), name, workspace, record.KeyPrefix);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created(Location(name, workspace), SourceResponse.From(record, key));
    }

    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> RotateAsync(
        string name, string? workspace, HttpContext http, WriteKeys keys, ISourceStore store, SourceKeyRefresher refresher, TimeProvider time,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var grace = DefaultGrace;
        if (http.Request.ContentLength is not 0)
        {
            var (body, problem) = await JsonBody.ReadAsync(http.Request, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }

            if (body.ValueKind != JsonValueKind.Object)
            {
                return Invalid("", "Send a JSON object, e.g. {\"grace\": \"24h\"}, or no body for a 24h grace period.");
            }

            if (body.TryGetProperty("grace", out var g)
                && (g.ValueKind != JsonValueKind.String || !Durations.TryParse(g.GetString(), out grace) || grace > MaxGrace))
            {
                return Invalid("grace", "must be a duration such as \"30m\", \"24h\" or \"7d\", at most 30d (\"0s\": the old key stops at once).");
            }
        }

        if (keys.Configured.ContainsKey(name))
        {
            return ConfiguredConflict(name);
        }

        var now = time.GetUtcNow();
        var key = SourceKeys.Generate();
        var rotated = await TryStoreAsync(() => store.RotateAsync(workspace, name, WriteKeys.Digest(key), SourceKeys.Prefix(key), now + grace, now, cancellationToken).AsTask());
        if (rotated.Problem is { } failed)
        {
            return failed;
        }

        if (rotated.Value is not { } record)
        {
            return NoSuchSource(name, workspace);
        }

        await RefreshAsync(refresher, cancellationToken);
        LogRotated(Logger(loggers), name, workspace, record.KeyPrefix, record.PreviousKeyValidUntil);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(SourceResponse.From(record, key));
    }

    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> RevokeAsync(
        string name, string? workspace, WriteKeys keys, ISourceStore store, SourceKeyRefresher refresher, TimeProvider time, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        if (keys.Configured.ContainsKey(name))
        {
            return ConfiguredConflict(name);
        }

        var revoked = await TryStoreAsync(() => store.RevokeAsync(workspace, name, time.GetUtcNow(), cancellationToken).AsTask());
        if (revoked.Problem is { } failed)
        {
            return failed;
        }

        if (revoked.Value is not { } record)
        {
            return NoSuchSource(name, workspace);
        }

        await RefreshAsync(refresher, cancellationToken);
        LogRevoked(Logger(loggers), name, workspace, record.KeyPrefix);
        return TypedResults.Ok(SourceResponse.From(record));
    }

    /// <summary>Applies the change on this host before answering; other hosts pick it up within their refresh interval.</summary>
    private static async Task RefreshAsync(SourceKeyRefresher refresher, CancellationToken cancellationToken)
    {
        try
        {
            await refresher.RefreshAsync(cancellationToken);
        }
        catch (StorageUnavailableException)
        {
            // The change is stored; the periodic refresh applies it here too once the store answers again.
        }
    }

    private static async Task<(T? Value, ProblemHttpResult? Problem)> TryStoreAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return (await operation(), null);
        }
        catch (StorageUnavailableException)
        {
            return (default, Problems.Unavailable("The source store is unavailable; nothing was changed. Retry after a few seconds."));
        }
    }

    private static ProblemHttpResult Invalid(string field, string error) => Problems.Invalid("source", [new DocumentFieldError(field, error)]);

    private static ProblemHttpResult ConfiguredConflict(string name) =>
        Problems.Conflict("Configured source", $"Source '{name}' is configured (IngestLayer:Sources:{name}); change or remove it in the configuration, not through the API.");

    private static ProblemHttpResult NoSuchSource(string name, string workspace) =>
        Problems.NotFound($"Workspace '{workspace}' has no source named '{name}' that is not revoked.");

    private static string Location(string name, string workspace) =>
        $"/ops/sources/{Uri.EscapeDataString(name)}?workspace={Uri.EscapeDataString(workspace)}";

    private static ILogger Logger(ILoggerFactory loggers) => loggers.CreateLogger(typeof(SourcesApi).FullName!);

    // Only the prefix: the key itself is never logged.
    [LoggerMessage(Level = LogLevel.Information, Message = "Source {Source} created in workspace {Workspace} (key {KeyPrefix}…)")]
    private static partial void LogCreated(ILogger logger, string source, string workspace, string keyPrefix);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {Source} in workspace {Workspace}: key rotated to {KeyPrefix}…, the previous one valid until {ValidUntil}")]
    private static partial void LogRotated(ILogger logger, string source, string workspace, string keyPrefix, DateTimeOffset? validUntil);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {Source} in workspace {Workspace} (key {KeyPrefix}…) revoked")]
    private static partial void LogRevoked(ILogger logger, string source, string workspace, string keyPrefix);
}
