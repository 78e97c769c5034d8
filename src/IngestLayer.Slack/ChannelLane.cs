using IngestLayer.Storage;

namespace IngestLayer.Slack;

/// <summary>
/// One channel's queue in the delivery worker, and its pace: at most one message per <see cref="MessageInterval"/>
/// (Slack allows about one a second per channel), none while Slack's <c>Retry-After</c> runs (<see cref="Pause"/>),
/// and a budget of <c>N</c> messages a minute that refills evenly (a token bucket of size N, one token every 60/N
/// seconds). When the budget is down to its last message and more than one job waits, everything waiting goes out
/// together as one digest (<see cref="Take"/>), so a burst becomes a few single messages and one digest, and a
/// steady stream gets at most N messages a minute. Used by the worker loop only, so not thread-safe.
/// </summary>
internal sealed class ChannelLane(string workspace, string channel, int budget, DateTimeOffset now)
{
    /// <summary>The least time between two messages to one channel.</summary>
    public static readonly TimeSpan MessageInterval = TimeSpan.FromSeconds(1);

    private readonly List<LaneJob> _jobs = [];
    private double _tokens = budget;
    private DateTimeOffset _refilledAt = now;

    /// <summary>The IngestLayer workspace whose Slack team (and bot) the channel is in.</summary>
    public string Workspace { get; } = workspace;

    public string Channel { get; } = channel;

    /// <summary>The lane's key in the worker: one lane per channel of each workspace's Slack team.</summary>
    public string Key => KeyOf(Workspace, Channel);

    public static string KeyOf(string workspace, string channel) => workspace + "\n" + channel;

    /// <summary>Jobs waiting, oldest first.</summary>
    public IReadOnlyList<LaneJob> Jobs => _jobs;

    /// <summary>The alerts waiting in the lane (a digest job counts its alerts).</summary>
    public int QueuedAlerts => _jobs.Sum(j => j.Entries.Count);

    /// <summary>A message to this channel is being posted; the next waits for its answer (<see cref="Answered"/>).</summary>
    public bool InFlight { get; set; }

    /// <summary>Not before this: <see cref="MessageInterval"/> after the last post was answered.</summary>
    public DateTimeOffset NextSendAt { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Until when Slack asked for no more messages (HTTP 429 <c>Retry-After</c>); null once that has passed.</summary>
    public DateTimeOffset? PausedUntil { get; private set; }

    public bool IsPaused(DateTimeOffset now) => PausedUntil > now;

    /// <summary>
    /// The post in flight was answered at <paramref name="now"/>. The interval counts from here, not from when it was
    /// sent: Slack may have received it any time up to now, and a slow first post (a new connection) must not let the
    /// next one arrive less than <see cref="MessageInterval"/> after it.
    /// </summary>
    public void Answered(DateTimeOffset now)
    {
        InFlight = false;
        var next = now + MessageInterval;
        NextSendAt = next > NextSendAt ? next : NextSendAt;
    }

    public void Enqueue(LaneJob job) => _jobs.Add(job);

    /// <summary>No message to this channel before <paramref name="until"/>.</summary>
    public void Pause(DateTimeOffset until)
    {
        if (PausedUntil is null || until > PausedUntil)
        {
            PausedUntil = until;
        }
    }

    /// <summary>Gives back the message a post spent: Slack answered 429, so nothing reached the channel.</summary>
    public void Refund(int budget) => _tokens = Math.Min(budget, _tokens + 1);

    /// <summary>Removes the jobs that are alerts (not operator notices) and returns them, e.g. to put them back in the outbox while paused.</summary>
    public List<LaneJob> TakeAlertJobs()
    {
        var alerts = _jobs.Where(j => j.Notice is null).ToList();
        _jobs.RemoveAll(j => j.Notice is null);
        return alerts;
    }

    /// <summary>When the lane may send its next job; null when nothing waits or a send is in flight.</summary>
    public DateTimeOffset? ReadyAt(DateTimeOffset now, int budget)
    {
        if (InFlight || _jobs.Count == 0)
        {
            return null;
        }

        var at = NextSendAt;
        if (PausedUntil is { } paused && paused > at)
        {
            at = paused;
        }

        // An operator notice is rare by construction (one per failing channel per cooldown) and spends no budget.
        if (_jobs[0].Notice is null)
        {
            var tokens = Tokens(now, budget);
            if (tokens < 1)
            {
                var refill = now + TimeSpan.FromMinutes((1 - tokens) / budget);
                at = refill > at ? refill : at;
            }
        }

        return at;
    }

    /// <summary>
    /// The job to send now (call when <see cref="ReadyAt"/> has come): the oldest alone while the budget has messages
    /// to spare, else every waiting alert merged into one digest. Spends one message of the budget and starts the interval.
    /// </summary>
    public LaneJob Take(DateTimeOffset now, int budget)
    {
        _tokens = Tokens(now, budget);
        _refilledAt = now;
        NextSendAt = now + MessageInterval;
        if (PausedUntil <= now)
        {
            PausedUntil = null;
        }

        var head = _jobs[0];
        if (head.Notice is not null)
        {
            _jobs.RemoveAt(0);
            return head;
        }

        _tokens = Math.Max(0, _tokens - 1);
        var alertJobs = _jobs.Count(j => j.Notice is null);
        if (alertJobs == 1 || _tokens >= 1)
        {
            _jobs.Remove(head);
            return head;
        }

        // The last message of the budget, and more than one job waiting: they all go in it.
        var merged = TakeAlertJobs().SelectMany(j => j.Entries).ToList();
        return LaneJob.Digest(merged);
    }

    /// <summary>Whether the lane holds nothing worth keeping: no jobs, nothing in flight or paused, its budget full.</summary>
    public bool IsIdle(DateTimeOffset now, int budget) =>
        _jobs.Count == 0 && !InFlight && !IsPaused(now) && NextSendAt <= now && Tokens(now, budget) >= budget;

    private double Tokens(DateTimeOffset now, int budget)
    {
        var elapsed = now > _refilledAt ? (now - _refilledAt).TotalMinutes : 0;
        return Math.Min(budget, _tokens + (elapsed * budget));
    }
}

/// <summary>
/// What a lane sends as one message: one alert, several as a digest, or an operator notice (<see cref="Notice"/>,
/// with no alerts).
/// </summary>
internal sealed record LaneJob(IReadOnlyList<OutboxEntry> Entries, bool AsDigest, SlackMessage? Notice = null)
{
    public static LaneJob Single(OutboxEntry entry) => new([entry], AsDigest: false);

    public static LaneJob Digest(IReadOnlyList<OutboxEntry> entries) => new(entries, AsDigest: true);

    public static LaneJob ForNotice(SlackMessage notice) => new([], AsDigest: false, notice);
}
