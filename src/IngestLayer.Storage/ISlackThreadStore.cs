namespace IngestLayer.Storage;

/// <summary>
/// The first alert message of the day per account and channel, so the day's follow-up alerts for that account go into
/// its thread (<c>thread_ts</c>) and an owner's channel reads one thread per account. Durable mode keeps it in
/// PostgreSQL, so every host threads under the same message and a restart forgets nothing.
/// </summary>
public interface ISlackThreadStore
{
    /// <summary>The thread the key's day started, or null when no alert for it was posted that day.</summary>
    ValueTask<SlackThread?> GetAsync(SlackThreadKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="thread"/> as the key's thread unless one is recorded already (two hosts posting the
    /// day's first alert at once: the first recorded stands); returns the one that stands. Older days of the same
    /// account and channel are forgotten.
    /// </summary>
    ValueTask<SlackThread> AddAsync(SlackThreadKey key, SlackThread thread, CancellationToken cancellationToken);
}

/// <summary>One account's alerts in one channel on one UTC day. <paramref name="Channel"/> is the channel as configured (name or id).</summary>
public sealed record SlackThreadKey(string Workspace, string AccountId, string Channel, DateOnly Day);

/// <summary>The message that starts a thread: Slack's channel id and the message's ts.</summary>
public sealed record SlackThread(string ChannelId, string Ts);
