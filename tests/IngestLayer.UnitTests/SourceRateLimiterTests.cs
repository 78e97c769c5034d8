using IngestLayer.Gateway.RateLimits;
using IngestLayer.Gateway.Security;
using Microsoft.Extensions.Options;

namespace IngestLayer.UnitTests;

public sealed class SourceRateLimiterTests
{
    private static readonly Source Web = new("web", "default");
    private static readonly Source App = new("app", "default");

    [Fact]
    public void a_source_gets_its_burst_of_events_then_a_wait_while_another_source_is_unaffected()
    {
        using var limiter = New(eventsPerSecond: 1, burst: 10);

        Assert.Null(limiter.TryAcquire(Web, 10));
        var wait = limiter.TryAcquire(Web, 5);

        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        Assert.Null(limiter.TryAcquire(App, 10));
    }

    [Fact]
    public void a_request_with_more_events_than_the_burst_takes_the_whole_bucket_rather_than_waiting_forever()
    {
        using var limiter = New(eventsPerSecond: 1, burst: 10);

        Assert.Null(limiter.TryAcquire(Web, 500));
        Assert.NotNull(limiter.TryAcquire(Web, 1));
    }

    [Fact]
    public void with_no_rate_configured_nothing_is_limited()
    {
        using var limiter = New(eventsPerSecond: 0, burst: null);

        Assert.All(Enumerable.Range(0, 1000), _ => Assert.Null(limiter.TryAcquire(Web, 100_000)));
    }

    [Fact]
    public void the_burst_defaults_to_one_seconds_events()
    {
        using var limiter = New(eventsPerSecond: 250, burst: null);

        Assert.Equal(250, limiter.BurstEvents);
        Assert.Null(limiter.TryAcquire(Web, 250));
        Assert.NotNull(limiter.TryAcquire(Web, 250));
    }

    private static SourceRateLimiter New(int eventsPerSecond, int? burst) =>
        new(Options.Create(new RateLimitOptions { PerKeyEventsPerSecond = eventsPerSecond, PerKeyBurstEvents = burst }));
}
