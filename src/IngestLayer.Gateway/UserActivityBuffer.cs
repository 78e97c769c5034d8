using System.Runtime.InteropServices;
using IngestLayer.Contracts;

namespace IngestLayer.Gateway;

/// <summary>
/// User activity held back between flushes, aggregated per user (see <see cref="UserActivity"/>). Only
/// events that name their account are held: nothing waits on the user grain's answer for them. Used by
/// the single dispatch loop, so it takes no locks.
/// </summary>
/// <remarks>
/// Embedded mode only: an aggregate carries no log positions, so a grain could not tell one delivered twice;
/// durable dispatch hands every event to its user grain in its round.
/// </remarks>
public sealed class UserActivityBuffer
{
    private readonly WorkspaceMap<Builder> _users = new();

    /// <summary>Users with activity not yet handed to their grains.</summary>
    public int Users => _users.Count;

    /// <summary>Events held back.</summary>
    public long Events { get; private set; }

    public void Add(IngestEvent e)
    {
        ref var builder = ref _users.GetValueRefOrAddDefault(e.Workspace, e.UserKey, out _);
        (builder ??= new Builder()).Add(e);
        Events++;
    }

    /// <summary>Takes one user's held activity, so it can be applied before that user's newer events.</summary>
    public UserActivity? Take(string workspace, string user)
    {
        if (!_users.Remove(workspace, user, out var builder))
        {
            return null;
        }

        Events -= builder.EventCount;
        return builder.Build();
    }

    /// <summary>Takes everything held.</summary>
    public List<(string Workspace, string User, UserActivity Activity)> TakeAll()
    {
        var all = new List<(string, string, UserActivity)>(_users.Count);
        foreach (var (workspace, user, builder) in _users.All())
        {
            all.Add((workspace, user, builder.Build()));
        }

        _users.Clear();
        Events = 0;
        return all;
    }

    private sealed class Builder
    {
        private readonly List<UsageCount> _usage = new(4);
        private readonly List<string> _accounts = new(1);
        private DateTimeOffset _first = DateTimeOffset.MaxValue;
        private DateTimeOffset _last = DateTimeOffset.MinValue;

        public int EventCount { get; private set; }

        public void Add(IngestEvent e)
        {
            EventCount++;
            _first = e.Timestamp < _first ? e.Timestamp : _first;
            _last = e.Timestamp > _last ? e.Timestamp : _last;
            if (_accounts.Count == 0 || _accounts[^1] != e.AccountId)
            {
                _accounts.Remove(e.AccountId!);
                _accounts.Add(e.AccountId!);
            }

            var minute = e.Timestamp.ToUnixTimeSeconds() / 60;
            var usage = CollectionsMarshal.AsSpan(_usage);
            for (var i = usage.Length - 1; i >= 0; i--)
            {
                ref var u = ref usage[i];
                if (u.Minute == minute && u.Name == e.Name && u.Feature == e.Feature)
                {
                    u = u with { Events = u.Events + 1, Uses = (int)Math.Min((long)u.Uses + e.Count, int.MaxValue) };
                    return;
                }
            }

            _usage.Add(new UsageCount(e.Name, e.Feature, minute, 1, e.Count));
        }

        public UserActivity Build() => new([.. _usage], [.. _accounts], _first, _last, EventCount);
    }
}
