using IngestLayer.Storage;

namespace IngestLayer.SlackTests;

/// <summary>Waits for the delivery worker to record an outcome in the outbox.</summary>
internal static class OutboxWait
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Returns the alert's entry once it matches <paramref name="condition"/>; throws saying what was awaited and what was seen.</summary>
    public static async Task<OutboxEntry> ForAsync(
        IAlertOutbox outbox, string alertId, Func<OutboxEntry, bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var deadline = DateTimeOffset.UtcNow + limit;
        OutboxEntry? last = null;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var entries = await outbox.QueryAsync(new AlertQuery(), CancellationToken.None);
            last = entries.SingleOrDefault(e => e.Alert.AlertId == alertId);
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(PollInterval);
        }

        throw new TimeoutException(
            $"Waited {limit.TotalSeconds:0.#}s for alert {alertId} to be {what}; last seen: " +
            (last is null ? "not in the outbox" : $"{last.Status}, {last.Attempts} attempt(s), error {last.Error ?? "none"}"));
    }

    public static Task<OutboxEntry> ForStatusAsync(IAlertOutbox outbox, string alertId, AlertDeliveryStatus status, int attempts = 1) =>
        ForAsync(outbox, alertId, e => e.Status == status && e.Attempts == attempts, $"{status} after {attempts} attempt(s)");
}
