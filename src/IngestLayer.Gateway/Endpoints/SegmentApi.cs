using System.Text.Json.Serialization;
using IngestLayer.Contracts;
using IngestLayer.Gateway.Parsing;
using IngestLayer.Gateway.RateLimits;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>
/// Segment's HTTP Tracking API, so Segment SDKs (e.g. <c>@segment/analytics-node</c>) work pointed at this host.
/// </summary>
public static class SegmentApi
{
    /// <summary>Segment's success body, with our per-message rejections when there were any.</summary>
    public sealed record SegmentResponse(
        bool Success,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<RejectedEvent>? Rejected);

    public static IEndpointRouteBuilder MapSegmentApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Segment").RequireIngestLimits();
        group.MapPost("/batch", (HttpContext http, IngestService ingest) => ingest.IngestAsync(http, SegmentEventParser.ParseBatch, Success))
            .WithName("SegmentBatch").WithSummary("Segment batch: {\"batch\": [messages]}.");
        MapSingle(group, "track", EventKind.Track);
        MapSingle(group, "identify", EventKind.Identify);
        MapSingle(group, "group", EventKind.Group);
        MapSingle(group, "page", EventKind.Page);
        MapSingle(group, "screen", EventKind.Screen);
        MapSingle(group, "alias", EventKind.Alias);
        return app;
    }

    private static void MapSingle(RouteGroupBuilder group, string path, EventKind kind) =>
        group.MapPost("/" + path, (HttpContext http, IngestService ingest) =>
                ingest.IngestAsync(http, (root, source, at, max) => SegmentEventParser.ParseSingle(root, kind, source, at, max), Success))
            .WithName("Segment" + kind)
            .WithSummary($"Segment {path} call.");

    private static IResult Success(IngestOutcome outcome) =>
        TypedResults.Ok(new SegmentResponse(true, outcome.Rejected.Count > 0 ? outcome.Rejected : null));
}
