using IngestLayer.Contracts;

namespace IngestLayer.Gateway;

/// <summary>
/// Hands stored events to their grains: one call per user, then one per account, each with that key's
/// events in order. Users go first because an event that names no account is attributed through the
/// user's latest membership, which the user grain knows.
/// </summary>
public sealed class EventRouter(IGrainFactory grains)
{
    public async Task RouteAsync(IReadOnlyList<IngestEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        var byUser = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            var key = GrainKeys.User(events[i].Workspace, events[i].UserKey);
            if (!byUser.TryGetValue(key, out var list))
            {
                byUser[key] = list = [];
            }

            list.Add(i);
        }

        var userCalls = new List<Task<string?[]>>(byUser.Count);
        foreach (var (key, indexes) in byUser)
        {
            userCalls.Add(grains.GetGrain<IUserGrain>(key).ApplyAsync(new EventBatch([.. indexes.Select(i => events[i])])));
        }

        var resolved = await Task.WhenAll(userCalls);

        var byAccount = new Dictionary<string, List<IngestEvent>>(StringComparer.Ordinal);
        var u = 0;
        foreach (var indexes in byUser.Values)
        {
            var accounts = resolved[u++];
            for (var j = 0; j < indexes.Count; j++)
            {
                var e = events[indexes[j]];
                if (accounts[j] is not { } accountId || !(e.IsActivity || e.Kind == EventKind.Group))
                {
                    continue;
                }

                var key = GrainKeys.Account(e.Workspace, accountId);
                if (!byAccount.TryGetValue(key, out var list))
                {
                    byAccount[key] = list = [];
                }

                list.Add(e.AccountId == accountId ? e : e with { AccountId = accountId });
            }
        }

        var accountCalls = new List<Task>(byAccount.Count);
        foreach (var (key, list) in byAccount)
        {
            accountCalls.Add(grains.GetGrain<IAccountGrain>(key).ApplyAsync(new EventBatch([.. list])));
        }

        await Task.WhenAll(accountCalls);
    }
}
