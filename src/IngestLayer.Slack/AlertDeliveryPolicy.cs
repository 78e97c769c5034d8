using IngestLayer.Storage;

namespace IngestLayer.Slack;

/// <summary>
/// Turns the result of one delivery attempt into the outbox's record of it: sent, failed for good (with a
/// hint), or retried later. Pure, so the schedule is tested without a clock or a Slack.
/// </summary>
internal static class AlertDeliveryPolicy
{
    /// <summary>After this many attempts ending in transient errors, the alert is failed.</summary>
    public const int MaxAttempts = 10;

    public static readonly TimeSpan BaseBackoff = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(15);

    public static DeliveryOutcome Decide(OutboxEntry entry, string channel, SlackPostResult result, DateTimeOffset now) =>
        Decide(entry.Attempts, channel, result, now);

    /// <summary>As for an alert, for anything else attempted on the same terms (an owner's digest) after <paramref name="previousAttempts"/>.</summary>
    public static DeliveryOutcome Decide(int previousAttempts, string channel, SlackPostResult result, DateTimeOffset now) => result switch
    {
        // The channel as configured (not Slack's id), so the ops API shows where the owner asked for it.
        SlackPostResult.Ok ok => new(AlertDeliveryStatus.Sent, channel, SlackTs: ok.Ts),
        // Slack said when; being rate limited is no sign the alert is undeliverable, so it does not give up.
        SlackPostResult.RateLimited limited => new(AlertDeliveryStatus.Retrying, channel, now + limited.RetryAfter, Error: "ratelimited"),
        SlackPostResult.Transient transient => Retry(previousAttempts, channel, transient.Error, now),
        SlackPostResult.Permanent permanent => new(
            AlertDeliveryStatus.Failed, channel, Error: permanent.Error, Hint: SlackErrorHints.For(permanent.Error, permanent.Detail)),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, "Unknown Slack result."),
    };

    /// <summary>Retrying with exponential backoff, or failed once <see cref="MaxAttempts"/> attempts have been made.</summary>
    public static DeliveryOutcome Retry(OutboxEntry entry, string? channel, string error, DateTimeOffset now) =>
        Retry(entry.Attempts, channel, error, now);

    public static DeliveryOutcome Retry(int previousAttempts, string? channel, string error, DateTimeOffset now) =>
        previousAttempts + 1 >= MaxAttempts
            ? new(AlertDeliveryStatus.Failed, channel, Error: error,
                Hint: $"Gave up after {MaxAttempts} attempts; check that Slack is reachable from this host (ApiBaseUrl, proxy, outages).")
            : new(AlertDeliveryStatus.Retrying, channel, now + Backoff(previousAttempts), Error: error);

    /// <summary>5 s, 10 s, 20 s, … doubling per earlier attempt, capped at 15 min.</summary>
    public static TimeSpan Backoff(int previousAttempts)
    {
        // Past 2^8 the cap applies anyway; clamping first keeps the shift from overflowing.
        var factor = 1L << Math.Clamp(previousAttempts, 0, 16);
        var backoff = BaseBackoff * factor;
        return backoff < MaxBackoff ? backoff : MaxBackoff;
    }
}
