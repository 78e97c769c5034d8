namespace IngestLayer.Gateway;

/// <summary>
/// The grains handed events since the last dispatch checkpoint (durable mode): the ones that must persist
/// their state before the checkpoint may move past those events. Rounds and user flushes run side by side,
/// so it locks.
/// </summary>
public sealed class TouchedGrains
{
    private readonly Lock _gate = new();
    private HashSet<(string Workspace, string Key)> _users = [];
    private HashSet<(string Workspace, string Key)> _accounts = [];

    public void User(string workspace, string user)
    {
        lock (_gate)
        {
            _users.Add((workspace, user));
        }
    }

    public void Account(string workspace, string account)
    {
        lock (_gate)
        {
            _accounts.Add((workspace, account));
        }
    }

    /// <summary>Takes the grains touched so far and starts a new set.</summary>
    public TouchedSet Take()
    {
        lock (_gate)
        {
            var taken = new TouchedSet(_users, _accounts);
            (_users, _accounts) = ([], []);
            return taken;
        }
    }

    /// <summary>Puts back a taken set whose grains could not all be persisted, so the next checkpoint tries them again.</summary>
    public void Restore(TouchedSet taken)
    {
        lock (_gate)
        {
            _users.UnionWith(taken.Users);
            _accounts.UnionWith(taken.Accounts);
        }
    }
}

/// <summary>User and account grains (workspace, id) touched in one checkpoint interval.</summary>
public sealed record TouchedSet(IReadOnlyCollection<(string Workspace, string Key)> Users, IReadOnlyCollection<(string Workspace, string Key)> Accounts)
{
    public int Count => Users.Count + Accounts.Count;
}
