using System.Collections.Concurrent;
using IngestLayer.Contracts;

namespace IngestLayer.Gateway;

/// <summary>
/// Hands events to their grains: one call per user, then one per account, each with that key's events in
/// order. Users go first because an event that names no account is attributed through the user's latest
/// membership, which only the user grain knows. Given a <see cref="UserActivityBuffer"/>, events that name
/// their account skip the user stage and are held there, aggregated, for a later
/// <see cref="FlushAsync"/>; a user's held activity is applied before any newer event of theirs.
/// </summary>
public sealed class EventRouter(IGrainFactory grains)
{
    // Resolving a grain reference costs about as much as a small call; keys repeat, so references are kept.
    private const int MaxCachedReferences = 500_000;
    private readonly ConcurrentDictionary<(string, string), IUserGrain> _users = new();
    private readonly ConcurrentDictionary<(string, string), IAccountGrain> _accounts = new();

    /// <summary>Applies the events to every grain before returning.</summary>
    public Task RouteAsync(IReadOnlyList<IngestEvent> events) => RouteAsync(events, held: null);

    /// <summary>
    /// Applies the events; with <paramref name="held"/>, the user stage of events that name their account
    /// is deferred into it (the account stage never is).
    /// </summary>
    public async Task RouteAsync(IReadOnlyList<IngestEvent> events, UserActivityBuffer? held)
    {
        if (events.Count == 0)
        {
            return;
        }

        // Users whose every event this round names its account can be held back; the others are called now.
        var byUser = new Dictionary<(string Workspace, string User), UserRound>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var key = (e.Workspace, e.UserKey);
            if (!byUser.TryGetValue(key, out var round))
            {
                byUser[key] = round = new UserRound();
            }

            round.Indexes.Add(i);
            round.Call |= held is null || !e.IsActivity || e.AccountId is null;
        }

        var calls = new List<(UserRound Round, Task<string?[]> Answer)>();
        foreach (var (key, round) in byUser)
        {
            if (round.Call)
            {
                var batch = new IngestEvent[round.Indexes.Count];
                for (var j = 0; j < batch.Length; j++)
                {
                    batch[j] = events[round.Indexes[j]];
                }

                calls.Add((round, User(key).ApplyAsync(held?.Take(key), new EventBatch(batch))));
            }
            else
            {
                foreach (var i in round.Indexes)
                {
                    held!.Add(key, events[i]);
                }
            }
        }

        await Task.WhenAll(calls.Select(c => c.Answer));

        // Resolved accounts, in event order, for the account stage.
        var resolved = new string?[events.Count];
        foreach (var (round, answer) in calls)
        {
            var accounts = answer.Result;
            for (var j = 0; j < round.Indexes.Count; j++)
            {
                resolved[round.Indexes[j]] = accounts[j];
            }
        }

        var byAccount = new Dictionary<(string Workspace, string Account), List<IngestEvent>>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if ((e.AccountId ?? resolved[i]) is not { } accountId || !(e.IsActivity || e.Kind == EventKind.Group))
            {
                continue;
            }

            var key = (e.Workspace, accountId);
            if (!byAccount.TryGetValue(key, out var list))
            {
                byAccount[key] = list = [];
            }

            list.Add(e.AccountId == accountId ? e : e with { AccountId = accountId });
        }

        var accountCalls = new List<Task>(byAccount.Count);
        foreach (var (key, list) in byAccount)
        {
            accountCalls.Add(Account(key).ApplyAsync(new EventBatch([.. list])));
        }

        await Task.WhenAll(accountCalls);
    }

    /// <summary>Hands every user's held activity to its grain.</summary>
    public async Task FlushAsync(UserActivityBuffer held)
    {
        var all = held.TakeAll();
        await Task.WhenAll(all.Select(u => User(u.User).ApplyActivityAsync(u.Activity)));
    }

    private IUserGrain User((string Workspace, string User) key)
    {
        if (_users.Count > MaxCachedReferences)
        {
            _users.Clear();
        }

        return _users.GetOrAdd(key, static (k, g) => g.GetGrain<IUserGrain>(GrainKeys.User(k.Item1, k.Item2)), grains);
    }

    private IAccountGrain Account((string Workspace, string Account) key)
    {
        if (_accounts.Count > MaxCachedReferences)
        {
            _accounts.Clear();
        }

        return _accounts.GetOrAdd(key, static (k, g) => g.GetGrain<IAccountGrain>(GrainKeys.Account(k.Item1, k.Item2)), grains);
    }

    private sealed class UserRound
    {
        public List<int> Indexes { get; } = new(2);

        /// <summary>Whether the user grain must be called this round (some event needs its answer, or nothing is held).</summary>
        public bool Call { get; set; }
    }
}
