using IngestLayer.Gateway.Owners;
using IngestLayer.Gateway.Parsing;
using IngestLayer.Gateway.Rules;
using IngestLayer.Pipelines.Filters;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>The gateway's error vocabulary, as RFC 9457 problem details.</summary>
public static class Problems
{
    public static ProblemHttpResult BadRequest(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: title);

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large");

    /// <summary>
    /// A request over one of the gateway's limits: the answer names the limit by its configuration key (<c>limit</c>)
    /// and its value (<c>max</c>), so a client or an operator knows which setting was hit without parsing prose.
    /// </summary>
    public static ProblemHttpResult OverLimit(int status, string limit, long max, string detail) =>
        TypedResults.Problem(
            detail,
            statusCode: status,
            title: status == StatusCodes.Status413PayloadTooLarge ? "Payload too large" : "Over a limit",
            extensions: new Dictionary<string, object?> { ["limit"] = limit, ["max"] = max });

    public static ProblemHttpResult Overloaded(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Overloaded");

    public static ProblemHttpResult RateLimited(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Rate limited");

    public static ProblemHttpResult Unavailable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Store unavailable");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title);

    public static ProblemHttpResult UnsupportedMediaType(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    /// <summary>Every event of the request was rejected: 400 with the reason for each.</summary>
    public static ProblemHttpResult InvalidEvents(IReadOnlyList<RejectedEvent> rejected) =>
        TypedResults.Problem(
            rejected.Count == 1 ? Describe(rejected[0]) : $"None of the {rejected.Count} events is valid; first: {Describe(rejected[0])}",
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid event",
            extensions: new Dictionary<string, object?> { ["errors"] = rejected });

    /// <summary>A rule document failed validation: 400 naming each field and what is wrong with it.</summary>
    public static ProblemHttpResult InvalidRule(IReadOnlyList<DocumentFieldError> errors) => Invalid("rule", errors);

    /// <summary>A document (<paramref name="what"/>: rule, pipeline) refused, with every problem by field.</summary>
    public static ProblemHttpResult Invalid(string what, IReadOnlyList<DocumentFieldError> errors) =>
        TypedResults.Problem(
            errors.Count == 1 ? Describe(errors[0]) : $"The {what} has {errors.Count} problems; first: {Describe(errors[0])}",
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid " + what,
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    /// <summary>A <c>?filter=</c> that does not compile: 400 saying what and where, with the 1-based column.</summary>
    public static ProblemHttpResult InvalidFilter(FilterError error) =>
        TypedResults.Problem(
            error.Message,
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid filter",
            extensions: new Dictionary<string, object?> { ["column"] = error.Column, ["expected"] = error.Expected });

    private static string Describe(DocumentFieldError e) => e.Field.Length == 0 ? e.Error : $"'{e.Field}' {e.Error}";

    /// <summary>An owner's preferences failed validation: 400 naming each field and what is wrong with it.</summary>
    public static ProblemHttpResult InvalidPreferences(IReadOnlyList<PreferenceFieldError> errors) =>
        TypedResults.Problem(
            errors.Count == 1 ? Describe(errors[0]) : $"The preferences have {errors.Count} problems; first: {Describe(errors[0])}",
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid preferences",
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    private static string Describe(PreferenceFieldError e) => e.Field.Length == 0 ? e.Error : $"'{e.Field}' {e.Error}";


    private static string Describe(RejectedEvent r) => r.Field.Length == 0 ? r.Error : $"'{r.Field}' {r.Error}";
}
