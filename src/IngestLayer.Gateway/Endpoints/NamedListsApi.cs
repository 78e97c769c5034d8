using System.Text;
using IngestLayer.Contracts;
using IngestLayer.Gateway.Rules;
using IngestLayer.Pipelines.Lists;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>
/// <c>/ops/lists</c> (admin token): the named lists pipeline filters test against (<c>account.id in list("ada-book")</c>),
/// uploaded as CSV. An upload replaces the list whole; pipelines already running see it within the cache refresh.
/// </summary>
public static class NamedListsApi
{
    /// <summary>A list as the API shows it; <see cref="Values"/> only when one list is asked for.</summary>
    public sealed record NamedListDocument(string Name, int Count, int Version, DateTimeOffset? UpdatedAt, IReadOnlyList<string>? Values);

    /// <summary>What an upload stored: the list, and the CSV column its values came from (null: the first, no header).</summary>
    public sealed record NamedListUploadResponse(string Name, int Count, string? Column, int Version);

    public static IEndpointRouteBuilder MapNamedListsApi(this IEndpointRouteBuilder app)
    {
        var lists = app.MapGroup("/ops/lists").WithTags("Pipelines").AddEndpointFilter<AdminTokenFilter>();
        lists.MapGet("", ListAsync).WithName("ListNamedLists").WithSummary("The workspace's named lists, without their values.");
        lists.MapGet("/{name}", GetAsync).WithName("GetNamedList").WithSummary("One named list with its values.");
        lists.MapPut("/{name}", UploadAsync).WithName("UploadNamedList").WithSummary("Create or replace a named list from CSV (an id/account_id/user_id/email column, else the first).");
        lists.MapDelete("/{name}", DeleteAsync).WithName("DeleteNamedList").WithSummary("Delete a named list; filters naming it then match nothing.");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<NamedListDocument>>, ProblemHttpResult>> ListAsync(string? workspace, IGrainFactory grains)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var set = await PipelinesApi.PipelinesOf(grains, workspace).GetAsync();
        return TypedResults.Ok<IReadOnlyList<NamedListDocument>>([.. set.Lists.Select(l => new NamedListDocument(l.Id, l.Values.Count, l.Version, l.UpdatedAt, null))]);
    }

    private static async Task<Results<Ok<NamedListDocument>, ProblemHttpResult>> GetAsync(string name, string? workspace, IGrainFactory grains)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var set = await PipelinesApi.PipelinesOf(grains, workspace).GetAsync();
        return set.Lists.FirstOrDefault(l => l.Id == name) is { } list
            ? TypedResults.Ok(new NamedListDocument(list.Id, list.Values.Count, list.Version, list.UpdatedAt, list.Values))
            : NoSuchList(name, workspace);
    }

    private static async Task<Results<Ok<NamedListUploadResponse>, ProblemHttpResult>> UploadAsync(
        string name, HttpRequest request, string? workspace, IGrainFactory grains, IOptions<IngestLayerOptions> options, CancellationToken cancellationToken)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        if (!RuleValidator.IsValidId(name))
        {
            return Problems.BadRequest("Invalid list name", "A list name is 1 to 64 characters: lower-case letters, digits, '_', '-' or '.', starting with a letter or digit.");
        }

        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not ("text/csv" or "application/csv" or "text/plain"))
        {
            return Problems.UnsupportedMediaType("Send the list as text/csv: one value per row, under a header id, account_id, user_id or email (or no header: the first column).");
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

        var parsed = NamedListCsv.Parse(Encoding.UTF8.GetString(body.Memory.Span).TrimStart('\uFEFF'), options.Value.MaxCsvBytes);
        if (!parsed.Succeeded)
        {
            return Problems.BadRequest("Invalid CSV", $"The list was not stored: {parsed.Error}.");
        }

        var result = await PipelinesApi.PipelinesOf(grains, workspace).SaveListAsync(new NamedListDefinition { Id = name, Values = parsed.Values });
        return TypedResults.Ok(new NamedListUploadResponse(name, parsed.Values.Count, parsed.Column, result.Document!.Version));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string name, string? workspace, IGrainFactory grains)
    {
        if (OpsApi.CheckWorkspace(ref workspace) is { } bad)
        {
            return bad;
        }

        var result = await PipelinesApi.PipelinesOf(grains, workspace).DeleteListAsync(name);
        return result.Outcome == SaveOutcome.Saved ? TypedResults.NoContent() : NoSuchList(name, workspace);
    }

    private static ProblemHttpResult NoSuchList(string name, string workspace) =>
        Problems.NotFound($"Workspace '{workspace}' has no list '{name}'.");
}
