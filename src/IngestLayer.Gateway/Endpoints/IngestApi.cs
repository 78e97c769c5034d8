using IngestLayer.Gateway.Parsing;
using IngestLayer.Gateway.RateLimits;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>The native ingestion API: <c>POST /v1/events</c>.</summary>
public static class IngestApi
{
    /// <summary>Native response: how many were accepted and, per index, why any were rejected.</summary>
    public sealed record IngestResponse(int Accepted, int Duplicates, IReadOnlyList<RejectedEvent> Rejected);

    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/events", IngestEventsAsync)
            .WithName("IngestEvents")
            .WithSummary("Ingest one event or {\"events\": [...]} authenticated by a write key.")
            .WithTags("Ingestion")
            .RequireIngestLimits();
        return app;
    }

    private static Task<IResult> IngestEventsAsync(HttpContext http, IngestService ingest) =>
        ingest.IngestNativeAsync(
            http,
            outcome => TypedResults.Ok(new IngestResponse(outcome.Accepted, outcome.Duplicates, outcome.Rejected)));
}
