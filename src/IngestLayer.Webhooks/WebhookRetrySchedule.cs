namespace IngestLayer.Webhooks;

/// <summary>
/// When the outbox tries a failed webhook again: the Standard Webhooks example schedule (5 s, 5 min, 30 min, 2 h,
/// 5 h, 10 h, then 10 h apart), each delay spread by ±20% so that a receiver recovering from an outage is not hit
/// by every queued message in the same second. After <see cref="DefaultMaxAttempts"/> attempts (27½ hours after the first)
/// it gives up.
/// </summary>
public static class WebhookRetrySchedule
{
    /// <summary>The first attempt and seven retries.</summary>
    public const int DefaultMaxAttempts = 8;

    /// <summary>How far each delay is spread either way, as a fraction of it.</summary>
    public const double Jitter = 0.2;

    /// <summary>The delay after the first, second, … failed attempt; past the end, the last one repeats.</summary>
    public static IReadOnlyList<TimeSpan> Delays { get; } =
    [
        TimeSpan.FromSeconds(5),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2),
        TimeSpan.FromHours(5),
        TimeSpan.FromHours(10),
        TimeSpan.FromHours(10),
    ];

    /// <summary>How long to wait after attempt number <paramref name="attempt"/> (1 for the first) failed, or null to give up.</summary>
    /// <param name="attempt">The number of the attempt that just failed, from 1.</param>
    /// <param name="retryAfter">The receiver's <c>Retry-After</c>, if any: the next attempt is never sooner.</param>
    /// <param name="maxAttempts">How many attempts in all.</param>
    /// <param name="random">For tests; <see cref="Random.Shared"/> otherwise.</param>
    public static TimeSpan? NextDelay(int attempt, TimeSpan? retryAfter = null, int maxAttempts = DefaultMaxAttempts, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        if (attempt >= maxAttempts)
        {
            return null;
        }

        var scheduled = Delays[Math.Min(attempt, Delays.Count) - 1];
        var spread = 1 + (Jitter * ((2 * (random ?? Random.Shared).NextDouble()) - 1));
        var delay = scheduled * spread;
        return retryAfter > delay ? retryAfter.Value : delay;
    }
}
