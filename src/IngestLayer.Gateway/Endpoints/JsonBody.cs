using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>Reads a small JSON request body whole, answering a problem (413, 400) instead of throwing on bad input.</summary>
internal static class JsonBody
{
    public const int MaxBytes = 65_536;

    public static Task<(JsonElement Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken) =>
        ReadAsync(request, MaxBytes, cancellationToken);

    /// <summary>As <see cref="ReadAsync(HttpRequest, CancellationToken)"/>, for a body that may be up to <paramref name="maxBytes"/>.</summary>
    public static async Task<(JsonElement Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        using var body = await RequestBody.ReadAsync(request, maxBytes, cancellationToken);
        if (body.TooLarge)
        {
            return (default, Problems.TooLarge($"The body is over the {maxBytes}-byte limit."));
        }

        if (body.Error is { } error)
        {
            return (default, Problems.BadRequest("Unreadable body", error));
        }

        if (body.Length == 0)
        {
            return (default, Problems.BadRequest("Invalid JSON", "The body is empty; send a JSON object."));
        }

        if (Parsing.JsonEscapes.TextError(body.Memory.Span) is { } textError)
        {
            return (default, Problems.BadRequest("Invalid JSON", textError));
        }

        try
        {
            // Cloned: the document reads the pooled buffer, which goes back to the pool when this returns.
            using var document = JsonDocument.Parse(body.Memory);
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return (default, Problems.BadRequest("Invalid JSON", $"The body is not valid JSON: {e.Message}"));
        }
    }
}
