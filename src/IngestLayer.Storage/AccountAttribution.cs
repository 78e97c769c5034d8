using IngestLayer.Contracts;

namespace IngestLayer.Storage;

/// <summary>
/// Picks, from one account's candidate events in log order (those naming it, and every event of users who ever
/// named it), the ones live dispatch handed to the account grain. An event naming no account goes to the account
/// its user named last before it (a group call, or activity naming an account), as the user grain resolves it;
/// only activity and group calls reach an account at all. So attribution follows the membership each user had
/// at that point in the log, not the account's member set today.
/// </summary>
public sealed class AccountAttribution(string accountId)
{
    // Per user key: whether the account the user named last is this one.
    private readonly Dictionary<string, bool> _here = new(StringComparer.Ordinal);

    /// <summary>The event as the account grain received it (an account-less one with the account filled in), or null when it went elsewhere.</summary>
    public IngestEvent? Attribute(IngestEvent e)
    {
        if (!e.IsActivity && e.Kind != EventKind.Group)
        {
            return null; // identify and alias calls stop at the user grain
        }

        if (e.AccountId is { } named)
        {
            var here = string.Equals(named, accountId, StringComparison.Ordinal);
            _here[e.UserKey] = here;
            return here ? e : null;
        }

        return e.IsActivity && _here.TryGetValue(e.UserKey, out var current) && current ? e with { AccountId = accountId } : null;
    }
}
