using System.Globalization;
using System.Text.Json.Serialization;
using IngestLayer.Gateway.Parsing;
using IngestLayer.Gateway.PostHog;
using IngestLayer.Gateway.RateLimits;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>
/// PostHog's capture API at the root, as PostHog serves it, so PostHog SDKs (<c>posthog-node</c>, <c>posthog-js</c>)
/// work pointed at this host; the project key is a source's write key.
/// </summary>
public static class PostHogApi
{
    /// <summary>The capture paths PostHog's SDKs post to (posthog-node: <c>/batch/</c>; posthog-js: <c>/e/</c>, <c>/i/v0/e/</c>).</summary>
    public static readonly IReadOnlyList<string> Paths = ["/batch", "/capture", "/e", "/i/v0/e"];

    /// <summary>PostHog's answer, <c>{"status": 1}</c>, with our per-event rejections when there were any.</summary>
    public sealed record PostHogResponse(
        int Status,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<RejectedEvent>? Rejected);

    public static IEndpointRouteBuilder MapPostHogApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("PostHog").RequireIngestLimits();
        foreach (var path in Paths)
        {
            // Routing matches the path with a trailing slash too, which is the form the SDKs use.
            group.MapPost(path, CaptureAsync)
                .WithName("PostHogCapture" + path.Replace("/", "_", StringComparison.Ordinal))
                .WithSummary($"PostHog capture ({path}/): one event, [events] or {{\"api_key\", \"batch\": [events]}}.");
        }

        return app;
    }

    private static Task<IResult> CaptureAsync(HttpContext http, IngestService ingest, IOptions<PostHogOptions> options)
    {
        var groupType = options.Value.GroupType;
        var querySentAt = QuerySentAt(http.Request);
        return ingest.IngestAsync(
            http,
            (root, source, receivedAt, maxEventBytes) => PostHogEventParser.Parse(root, source, receivedAt, maxEventBytes, groupType, querySentAt),
            outcome => TypedResults.Ok(new PostHogResponse(1, outcome.Rejected.Count > 0 ? outcome.Rejected : null)),
            PostHogBody.ReadAsync,
            PostHogEventParser.BodyApiKey);
    }

    /// <summary>posthog-js sends its clock at sending as <c>?_=&lt;ms since the epoch&gt;</c>; PostHog uses it as <c>sent_at</c>.</summary>
    private static DateTimeOffset? QuerySentAt(HttpRequest request) =>
        long.TryParse(request.Query["_"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
        && ms is > 946_684_800_000 and < 253_402_300_799_000 // 2000-01-01 .. 9999-12-31
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
}
