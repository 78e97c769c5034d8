using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace IngestLayer.Slack;

/// <summary>
/// The in-call resilience of <see cref="SlackClient"/>: a couple of quick retries for a blip (a 503, a
/// one-second 429), each attempt with its own timeout. Anything longer is the outbox's business: it
/// retries with a much longer backoff without holding up the other alerts.
/// </summary>
internal static class SlackRetryPolicy
{
    public const int MaxRetryAttempts = 2;
    public static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A longer <c>Retry-After</c> than this is returned as <see cref="SlackPostResult.RateLimited"/> instead of waited out.</summary>
    public static readonly TimeSpan MaxInCallRetryAfter = TimeSpan.FromSeconds(5);

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline)
    {
        // Retry outside, timeout inside: the timeout bounds each attempt, not the whole call.
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            Delay = BaseDelay,
            UseJitter = true,
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetryInCall(args.Outcome)),
        });
        pipeline.AddTimeout(AttemptTimeout);
    }

    private static bool ShouldRetryInCall(Outcome<HttpResponseMessage> outcome) =>
        HttpClientResiliencePredicates.IsTransient(outcome)
        && !(outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } response
             && response.Headers.RetryAfter?.Delta is { } wait
             && wait > MaxInCallRetryAfter);
}
