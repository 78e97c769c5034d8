using System.Text.Json.Serialization;

namespace IngestLayer.Slack;

/// <summary>
/// How deliveries to each Slack channel are going, as this host's delivery worker saw them: failures in a row, the
/// last error and hint, a rate-limit pause. It decides when the operator should hear that a channel keeps failing
/// (after <see cref="SlackOptions.OperatorNoticeAfterFailures"/> failures in a row, then at most once per
/// <see cref="SlackOptions.OperatorNoticeCooldownMinutes"/>) and when it works again. In memory and per host: each
/// host reports what its own worker attempted. Thread-safe: the worker writes, the ops API reads.
/// </summary>
public sealed class SlackChannelHealth
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Workspace, string Channel), State> _channels = [];

    /// <summary>Every channel attempted since the host started, failing ones first, then by name.</summary>
    public IReadOnlyList<SlackChannelHealthReport> Report(DateTimeOffset now)
    {
        lock (_gate)
        {
            return [.. _channels
                .Select(c => c.Value.ToReport(c.Key.Workspace, c.Key.Channel, now))
                .OrderBy(r => r.Status switch { SlackChannelStatus.Failing => 0, SlackChannelStatus.Paused => 1, _ => 2 })
                .ThenBy(r => r.Channel, StringComparer.Ordinal)
                .ThenBy(r => r.Workspace, StringComparer.Ordinal)];
        }
    }

    /// <summary>A message reached the channel. Returns how many failures in a row the operator was told about, if any: time for a recovery note.</summary>
    internal int? RecordSuccess(string workspace, string channel, DateTimeOffset now)
    {
        lock (_gate)
        {
            var state = Get(workspace, channel);
            var notified = state.NotifiedAt is null ? (int?)null : state.ConsecutiveFailures;
            state.ConsecutiveFailures = 0;
            state.FailingSince = null;
            state.NotifiedAt = null;
            state.LastSuccessAt = now;
            return notified;
        }
    }

    /// <summary>
    /// An attempt to the channel failed. Returns true when the operator should hear about it now: the failures in a row
    /// reached <paramref name="threshold"/> and they were not told within <paramref name="cooldown"/>.
    /// </summary>
    internal bool RecordFailure(string workspace, string channel, string error, string? hint, DateTimeOffset now, int threshold, TimeSpan cooldown)
    {
        lock (_gate)
        {
            var state = Get(workspace, channel);
            state.ConsecutiveFailures++;
            state.FailingSince ??= now;
            state.LastFailureAt = now;
            state.LastError = error;
            state.LastHint = hint;
            if (state.ConsecutiveFailures < threshold || (state.NotifiedAt is { } told && now - told < cooldown))
            {
                return false;
            }

            state.NotifiedAt = now;
            return true;
        }
    }

    /// <summary>Slack asked for no more messages to the channel until <paramref name="until"/>; not a failure.</summary>
    internal void RecordPaused(string workspace, string channel, DateTimeOffset until)
    {
        lock (_gate)
        {
            Get(workspace, channel).PausedUntil = until;
        }
    }

    /// <summary>The failures in a row and since when, for the operator's notice.</summary>
    internal (int Failures, DateTimeOffset? Since) Failures(string workspace, string channel)
    {
        lock (_gate)
        {
            return _channels.TryGetValue((workspace, channel), out var state) ? (state.ConsecutiveFailures, state.FailingSince) : (0, null);
        }
    }

    private State Get(string workspace, string channel)
    {
        if (!_channels.TryGetValue((workspace, channel), out var state))
        {
            _channels[(workspace, channel)] = state = new State();
        }

        return state;
    }

    private sealed class State
    {
        public int ConsecutiveFailures { get; set; }
        public DateTimeOffset? FailingSince { get; set; }
        public DateTimeOffset? LastFailureAt { get; set; }
        public DateTimeOffset? LastSuccessAt { get; set; }
        public string? LastError { get; set; }
        public string? LastHint { get; set; }
        public DateTimeOffset? PausedUntil { get; set; }
        public DateTimeOffset? NotifiedAt { get; set; }

        public SlackChannelHealthReport ToReport(string workspace, string channel, DateTimeOffset now) => new(
            workspace,
            channel,
            ConsecutiveFailures > 0 ? SlackChannelStatus.Failing : PausedUntil > now ? SlackChannelStatus.Paused : SlackChannelStatus.Ok,
            ConsecutiveFailures,
            FailingSince,
            LastError,
            LastHint,
            LastFailureAt,
            LastSuccessAt,
            PausedUntil > now ? PausedUntil : null,
            NotifiedAt);
    }
}

/// <summary>Whether deliveries to a channel work.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SlackChannelStatus>))]
public enum SlackChannelStatus
{
    /// <summary>The last attempt reached the channel (or none failed).</summary>
    [JsonStringEnumMemberName("ok")] Ok,
    /// <summary>Slack asked to wait (429 <c>Retry-After</c>); nothing is sent to it until then.</summary>
    [JsonStringEnumMemberName("paused")] Paused,
    /// <summary>The last attempt (and maybe more before it) failed; see the error and hint.</summary>
    [JsonStringEnumMemberName("failing")] Failing,
}

/// <summary>One channel's delivery health, as <c>GET /ops/slack/channels/health</c> shows it.</summary>
/// <param name="Workspace">The IngestLayer workspace whose Slack team the channel is in.</param>
/// <param name="Channel">The channel as alerts name it.</param>
/// <param name="Status">ok, paused or failing.</param>
/// <param name="ConsecutiveFailures">Failed attempts in a row (0 once one succeeds).</param>
/// <param name="FailingSince">The first of those failures.</param>
/// <param name="LastError">Slack's (or the network's) last error for the channel.</param>
/// <param name="LastHint">What an operator can do about it.</param>
/// <param name="LastFailureAt">When the last attempt failed.</param>
/// <param name="LastSuccessAt">When a message last reached the channel.</param>
/// <param name="PausedUntil">While Slack's Retry-After runs, until when.</param>
/// <param name="OperatorNotifiedAt">When the operator was last told about the current failures.</param>
public sealed record SlackChannelHealthReport(
    string Workspace,
    string Channel,
    SlackChannelStatus Status,
    int ConsecutiveFailures,
    DateTimeOffset? FailingSince,
    string? LastError,
    string? LastHint,
    DateTimeOffset? LastFailureAt,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? PausedUntil,
    DateTimeOffset? OperatorNotifiedAt);
