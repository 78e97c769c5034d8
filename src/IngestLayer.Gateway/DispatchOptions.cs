using System.ComponentModel.DataAnnotations;

namespace IngestLayer.Gateway;

/// <summary>How stored events are handed to grains (<c>IngestLayer:Dispatch</c>).</summary>
public sealed class DispatchOptions : IValidatableObject
{
    public const string Section = "IngestLayer:Dispatch";

    /// <summary>
    /// Events stored but not yet applied beyond which new requests wait (backpressure). Room for several
    /// paced rounds at full speed: at 40,000 a round of 100 ms filled the queue while the one before was still
    /// being applied, and requests stalled behind it.
    /// </summary>
    [Range(1_000, 10_000_000)]
    public int MaxPendingEvents { get; set; } = 150_000;

    /// <summary>Most events one dispatch round takes; the rest wait for the next round.</summary>
    [Range(100, 1_000_000)]
    public int MaxRoundEvents { get; set; } = 150_000;

    /// <summary>
    /// Shortest time between the starts of two dispatch rounds, unless the queue is half full or a reader
    /// waits for its writes. Unset: 100 ms in embedded mode, 25 ms in durable mode. Pacing makes each grain
    /// call carry more events (with a thousand busy accounts, unpaced rounds of a few thousand events made
    /// a grain call per two or three events); each round is a burst that requests share the cores with.
    /// Embedded requests are answered once stored in memory, so only CPU counts there: none 4.3-5.3,
    /// 50 ms 3.5, 100 ms 3.2 µs of gateway CPU per event (2026-11-30). Durable acknowledgements wait for the
    /// event log's commit, which the burst delays: half-load ack p99 18-54 ms at 25 ms, 59-102 ms at 50
    /// and 100 ms, at 54-59% of the ceiling either way (2026-11-30); 500 ms gave a p99 of 146-349 ms.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan? MinRoundInterval { get; set; }

    /// <summary>
    /// Grain calls a round (or a flush of held user activity) has in flight before it lets requests that wait for a
    /// thread go first. A round's thousand account calls queued at once ran ahead of every request that came after
    /// them: the round's length (about 40 ms) was the request p99, and with the load generator's requests held
    /// back the cores sat idle a quarter of the time; in waves of 32, 2-21% (2026-11-30).
    /// </summary>
    [Range(1, 100_000)]
    public int CallsPerWave { get; set; } = 32;

    /// <summary>
    /// How long activity of events that name their account may be held, aggregated per user, before it is
    /// handed to the user grains (account grains get every event in the round it arrives).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan UserFlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Held user activity (in events) that triggers a flush before the interval is up.</summary>
    [Range(1, 10_000_000)]
    public int MaxHeldUserEvents { get; set; } = 500_000;

    /// <summary>How long a request waits for room before it is answered 503 with Retry-After.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan MaxQueueWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Durable mode: how often the grains touched since the last checkpoint persist their state and the
    /// checkpoint moves on; after a crash, at most this much of the log is replayed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Durable mode: how long another host may go without writing its checkpoint (it does so every
    /// <see cref="CheckpointInterval"/>, even when idle) before this host replays its events after it: the
    /// work of a host that died and did not come back under its name still reaches the grains.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AdoptAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an ops read waits for events acknowledged before it to be applied.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ReadYourWritesWait { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A live host rewrites its checkpoint every interval; others must not mistake the gap for a death.
        if (AdoptAfter < 4 * CheckpointInterval)
        {
            yield return new ValidationResult(
                $"AdoptAfter ({AdoptAfter}) must be at least four times CheckpointInterval ({CheckpointInterval}).",
                [nameof(AdoptAfter), nameof(CheckpointInterval)]);
        }
    }
}
