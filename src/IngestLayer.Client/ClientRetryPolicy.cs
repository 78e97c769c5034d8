using System.Net.Http.Headers;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace IngestLayer.Client;

/// <summary>
/// The resilience pipeline of the client's HTTP requests: retries outside, a timeout per attempt inside.
/// Retried: network errors, timeouts, 408, 429 and 5xx (<c>HttpClientResiliencePredicates.IsTransient</c>);
/// never another 4xx, which would be refused again. Retrying a POST is safe because every event carries the
/// message id it got at enqueue time and the service counts an id once.
/// </summary>
internal static class ClientRetryPolicy
{
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, IngestLayerClientOptions options, TimeProvider time)
    {
        if (options.MaxRetries > 0)
        {
            var maxDelay = options.MaxRetryDelay;
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = options.RetryBaseDelay,
                MaxDelay = maxDelay,
                UseJitter = true,
                // The library's ShouldRetryAfterHeader honours Retry-After without a ceiling; this generator
                // does the same for 429 and 503 but caps it, so one long Retry-After cannot stall the queue.
                ShouldRetryAfterHeader = false,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time, maxDelay)),
                ShouldHandle = args => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome)),
            });
        }

        pipeline.AddTimeout(options.RequestTimeout);
    }

    /// <summary>The server's <c>Retry-After</c> (seconds or a date), at most <paramref name="max"/>; null (backoff) when absent.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time, TimeSpan max)
    {
        if (response?.Headers.RetryAfter is not RetryConditionHeaderValue retryAfter)
        {
            return null;
        }

        var wait = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - time.GetUtcNow() : null);
        return wait is not { } w ? null : w < TimeSpan.Zero ? TimeSpan.Zero : w > max ? max : w;
    }
}
