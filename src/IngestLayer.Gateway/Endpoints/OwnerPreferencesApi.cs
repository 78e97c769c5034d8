using IngestLayer.Gateway.Owners;
using IngestLayer.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>
/// <c>/ops/owners</c> preferences (admin token): how each owner wants their alerts, live or as a daily digest.
/// Stored per workspace and owner; the delivery worker reads them for every alert it claims.
/// </summary>
public static class OwnerPreferencesApi
{
    /// <summary>The workspace's owners with stored preferences.</summary>
    public sealed record OwnerPreferencesList(string Workspace, IReadOnlyList<OwnerPreferencesDocument> Owners);

    public static IEndpointRouteBuilder MapOwnerPreferencesApi(this IEndpointRouteBuilder app)
    {
        var owners = app.MapGroup("/ops/owners").WithTags("Owners").AddEndpointFilter<AdminTokenFilter>();
        owners.MapGet("", ListAsync).WithName("ListOwnerPreferences").WithSummary("The owners of a workspace who have stored delivery preferences.");
        owners.MapGet("/{owner}/preferences", GetAsync).WithName("GetOwnerPreferences").WithSummary("An owner's delivery preferences (the defaults if none are stored).");
        owners.MapPut("/{owner}/preferences", PutAsync).WithName("PutOwnerPreferences").WithSummary("Replace an owner's delivery preferences: live alerts or a daily digest at a local time.");
        return app;
    }

    private static async Task<Results<Ok<OwnerPreferencesList>, ProblemHttpResult>> ListAsync(
        string? workspace, IOwnerPreferenceStore store, CancellationToken cancellationToken)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var stored = await store.ListAsync(workspace, cancellationToken);
        return TypedResults.Ok(new OwnerPreferencesList(workspace, [.. stored.Select(OwnerPreferencesDocument.From)]));
    }

    private static async Task<Results<Ok<OwnerPreferencesDocument>, ProblemHttpResult>> GetAsync(
        string owner, string? workspace, IOwnerPreferenceStore store, CancellationToken cancellationToken)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        if (!OwnerPreferencesValidator.IsValidOwner(owner))
        {
            return InvalidOwner();
        }

        var stored = await store.GetAsync(workspace, owner, cancellationToken);
        return TypedResults.Ok(OwnerPreferencesDocument.From(stored ?? OwnerPreferences.Default(owner)));
    }

    private static async Task<Results<Ok<OwnerPreferencesDocument>, ProblemHttpResult>> PutAsync(
        string owner, string? workspace, HttpRequest request, IOwnerPreferenceStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        if (!OwnerPreferencesValidator.IsValidOwner(owner))
        {
            return InvalidOwner();
        }

        var (body, problem) = await JsonBody.ReadAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (preferences, errors) = OwnerPreferencesValidator.Read(owner, body);
        if (preferences is null)
        {
            return Problems.InvalidPreferences(errors);
        }

        var stored = await store.SaveAsync(workspace, preferences, time.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(OwnerPreferencesDocument.From(stored));
    }

    private static ProblemHttpResult InvalidOwner() =>
        Problems.BadRequest("Invalid owner", $"The owner in the path must be 1 to {OwnerPreferencesValidator.MaxOwnerLength} characters, without control characters.");
}
