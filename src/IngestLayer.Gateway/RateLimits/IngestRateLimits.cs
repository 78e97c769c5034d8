using System.Globalization;
using IngestLayer.Gateway.Endpoints;
using IngestLayer.Gateway.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.RateLimits;

/// <summary>
/// The host-wide concurrency limit on ingestion endpoints (ASP.NET Core's rate limiting middleware), and the
/// per-source event limiter. Endpoints that take events opt in with <see cref="RequireIngestLimits{TBuilder}"/>.
/// </summary>
public static class IngestRateLimits
{
    public const string ConcurrencyPolicy = "ingest-concurrency";

    public static IServiceCollection AddIngestRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SourceRateLimiter>();
        services.AddRateLimiter(_ => { });
        // Configured from the validated options (resolved when the middleware is built, after validation at start).
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, limits) =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            // No queue: a request waiting here would hold its connection and, soon, its body; shedding at once is
            // what keeps memory bounded, and the client's retry comes back when there is room.
            limiter.AddConcurrencyLimiter(ConcurrencyPolicy, o =>
            {
                o.PermitLimit = limits.Value.MaxConcurrentRequests;
                o.QueueLimit = 0;
            });
            limiter.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                return new ValueTask(Problems.Overloaded(
                    $"This host is handling its limit of {limits.Value.MaxConcurrentRequests} ingestion requests (IngestLayer:RateLimits:MaxConcurrentRequests); nothing was stored. Retry after a second.")
                    .ExecuteAsync(context.HttpContext));
            };
        });
        return services;
    }

    /// <summary>Puts the endpoints under the host-wide ingestion concurrency limit.</summary>
    public static TBuilder RequireIngestLimits<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(ConcurrencyPolicy);

    /// <summary>The 429 for a source over its event rate, with Retry-After in whole seconds.</summary>
    internal static IResult TooManyEvents(HttpResponse response, Source source, int eventsPerSecond, TimeSpan retryAfter)
    {
        var seconds = (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problems.RateLimited(
            $"Source '{source.Name}' is over its limit of {eventsPerSecond} events per second (IngestLayer:RateLimits:PerKeyEventsPerSecond); nothing was stored. Retry after {seconds} s.");
    }
}
