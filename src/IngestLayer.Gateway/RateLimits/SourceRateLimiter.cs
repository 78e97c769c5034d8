using System.Threading.RateLimiting;
using IngestLayer.Gateway.Security;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.RateLimits;

/// <summary>
/// A token bucket of events per source (<see cref="RateLimitOptions.PerKeyEventsPerSecond"/>), taken from after a
/// request is authenticated and parsed, when its event count is known. A source's old and new key share one bucket,
/// so rotating a key does not double the allowance. Buckets are per host.
/// </summary>
public sealed class SourceRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<Source>? _limiter;

    public SourceRateLimiter(IOptions<RateLimitOptions> options)
    {
        var o = options.Value;
        EventsPerSecond = o.PerKeyEventsPerSecond;
        BurstEvents = o.BurstEvents;
        if (EventsPerSecond == 0)
        {
            return;
        }

        // Refilled once a second by the partitioned limiter's own 100 ms heartbeat (AutoReplenishment off: one timer
        // for all buckets, not one per source); a refused lease's RetryAfter is then whole seconds, as the header wants.
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = BurstEvents,
            TokensPerPeriod = EventsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = false,
        };
        _limiter = PartitionedRateLimiter.Create<Source, Source>(source => RateLimitPartition.GetTokenBucketLimiter(source, _ => bucket));
    }

    public int EventsPerSecond { get; }

    public int BurstEvents { get; }

    /// <summary>Takes <paramref name="events"/> from the source's bucket: null when allowed, else how long to wait.</summary>
    public TimeSpan? TryAcquire(Source source, int events)
    {
        if (_limiter is null)
        {
            return null;
        }

        // A bucket cannot give more than it holds; a larger request takes it all rather than being refused forever.
        using var lease = _limiter.AttemptAcquire(source, Math.Min(events, BurstEvents));
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter?.Dispose();
}
