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

    /// <summary>
    /// One user's held activity. Flat on purpose: this runs for every event, on whichever of ten thousand
    /// builders the event's user has, so each extra object between the builder and its counts (a list and
    /// its array, a second list for accounts) was one more cache miss per event.
    /// </summary>
    private sealed class Builder
    {
        private UsageCount[] _usage = new UsageCount[4];
        private int _usageCount;
        private string? _account;
        private List<string>? _earlierAccounts; // only when a user's events name more than one account
        private DateTimeOffset _first = DateTimeOffset.MaxValue;
        private DateTimeOffset _last = DateTimeOffset.MinValue;

        public int EventCount { get; private set; }

        public void Add(IngestEvent e)
        {
            EventCount++;
            _first = e.Timestamp < _first ? e.Timestamp : _first;
            _last = e.Timestamp > _last ? e.Timestamp : _last;
            if (_account != e.AccountId)
            {
                if (_account is not null)
                {
                    // Accounts in the order they were last named: the user grain's latest membership is the last.
                    (_earlierAccounts ??= new(1)).Remove(e.AccountId!);
                    _earlierAccounts.Remove(_account);
                    _earlierAccounts.Add(_account);
                }

                _account = e.AccountId;
            }

            var minute = e.Timestamp.ToUnixTimeSeconds() / 60;
            var usage = _usage.AsSpan(0, _usageCount);
            for (var i = usage.Length - 1; i >= 0; i--)
            {
                ref var u = ref usage[i];
                if (u.Minute == minute && u.Name == e.Name && u.Feature == e.Feature)
                {
                    u = u with { Events = u.Events + 1, Uses = (int)Math.Min((long)u.Uses + e.Count, int.MaxValue) };
                    return;
                }
            }

            if (_usageCount == _usage.Length)
            {
                Array.Resize(ref _usage, _usage.Length * 2);
            }

            _usage[_usageCount++] = new UsageCount(e.Name, e.Feature, minute, 1, e.Count);
        }

        public UserActivity Build()
        {
            var accounts = _earlierAccounts is null ? [_account!] : _earlierAccounts.Append(_account!).ToArray();
            return new(_usage.AsSpan(0, _usageCount).ToArray(), accounts, _first, _last, EventCount);
        }
    }
}
