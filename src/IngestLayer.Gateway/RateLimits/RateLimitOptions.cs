using System.ComponentModel.DataAnnotations;

namespace IngestLayer.Gateway.RateLimits;

/// <summary>Limits on the ingestion endpoints (<c>IngestLayer:RateLimits</c>): per write key, and for the whole host.</summary>
public sealed class RateLimitOptions : IValidatableObject
{
    public const string Section = "IngestLayer:RateLimits";

    /// <summary>
    /// Events per second one source (all its keys, on this host) may send; 0 (the default) turns the limit off.
    /// Events, not requests: events are what a customer's plan counts, and a limit in requests would let a client
    /// send 100 times more by batching. Off by default because the right number is the customer's plan, and any
    /// number that does not throttle one host's own peak (about 400,000 events/s with one key, the load
    /// generator's benchmark) never bites.
    /// </summary>
    [Range(0, 100_000_000)]
    public int PerKeyEventsPerSecond { get; set; }

    /// <summary>
    /// Events a source may send at once after a quiet spell (the token bucket's size); unset: one second's worth.
    /// A request with more events than this takes the whole bucket, so keep it above the largest batch.
    /// </summary>
    [Range(1, 100_000_000)]
    public int? PerKeyBurstEvents { get; set; }

    /// <summary>
    /// Ingestion requests one host handles at once; more are answered 503 with Retry-After at once rather than
    /// queued. Each holds its body in memory (up to <c>MaxBatchBytes</c>, 500 KB), so 512 bound bodies to about
    /// 256 MB while the event queue's backpressure holds requests back.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxConcurrentRequests { get; set; } = 512;

    /// <summary>The bucket size in force: <see cref="PerKeyBurstEvents"/>, else one second's events.</summary>
    public int BurstEvents => PerKeyBurstEvents ?? PerKeyEventsPerSecond;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PerKeyBurstEvents is not null && PerKeyEventsPerSecond == 0)
        {
            yield return new ValidationResult(
                "IngestLayer:RateLimits:PerKeyBurstEvents needs IngestLayer:RateLimits:PerKeyEventsPerSecond (0 turns the per-key limit off).",
                [nameof(PerKeyBurstEvents)]);
        }
    }
}
