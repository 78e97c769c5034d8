using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using IngestLayer.Contracts;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway;

/// <summary>
/// Hands events to their grains: one call per user, then one per account, each with that key's events in
/// order. Users go first because an event that names no account is attributed through the user's latest
/// membership, which only the user grain knows. Given a <see cref="UserActivityBuffer"/>, events that name
/// their account skip the user stage and are held there, aggregated, for a later
/// <see cref="FlushAsync"/>; a user's held activity is applied before any newer event of theirs.
/// </summary>
public sealed class EventRouter(IGrainFactory grains, IOptions<DispatchOptions>? options = null)
{
    // Resolving a grain reference costs about as much as a small call; keys repeat, so references are kept.
    private const int MaxCachedReferences = 500_000;
    private const int MaxConcurrentPersists = 1;
    private readonly int _callsPerWave = options?.Value.CallsPerWave ?? new DispatchOptions().CallsPerWave;
    private readonly ConcurrentDictionary<(string, string), IUserGrain> _users = new();
    private readonly ConcurrentDictionary<(string, string), IAccountGrain> _accounts = new();

    /// <summary>Applies the events to every grain before returning.</summary>
    public Task RouteAsync(IReadOnlyList<IngestEvent> events) => RouteAsync(events, held: null, Task.CompletedTask);

    /// <summary>
    /// Applies events read back from a durable log (a replay after a restart) to every grain, none held:
    /// grains recognise what they applied before by <paramref name="origin"/> and position.
    /// </summary>
    public Task ReplayAsync(IReadOnlyList<IngestEvent> events, string origin, TouchedGrains touched) =>
        RouteAsync(events, held: null, Task.CompletedTask, origin, touched);

    /// <summary>
    /// Applies the events; with <paramref name="held"/>, the user stage of events that name their account
    /// is deferred into it (the account stage never is).
    /// </summary>
    public Task RouteAsync(IReadOnlyList<IngestEvent> events, UserActivityBuffer? held) => RouteAsync(events, held, Task.CompletedTask);

    /// <summary>
    /// As <see cref="RouteAsync(IReadOnlyList{IngestEvent}, UserActivityBuffer?)"/>; user calls, if any are
    /// needed, first wait for <paramref name="flushing"/>, a flush of earlier held activity still on its
    /// way to the grains, so a user's newer events never overtake it. In durable mode, <paramref name="origin"/>
    /// names this host on every batch (see <see cref="EventBatch.Origin"/>) and <paramref name="touched"/>
    /// collects the grains called, for the next dispatch checkpoint.
    /// </summary>
    public async Task RouteAsync(IReadOnlyList<IngestEvent> events, UserActivityBuffer? held, Task flushing, string? origin = null, TouchedGrains? touched = null)
    {
        if (events.Count == 0)
        {
            return;
        }

        events = events is IngestEvent[] or List<IngestEvent> ? events : [.. events]; // read as spans below, more than once

        var byUser = new WorkspaceMap<UserRound>();
        var byAccount = new WorkspaceMap<AccountRound>();
        var roundOf = ArrayPool<AccountRound?>.Shared.Rent(events.Count);
        var isHeld = held is null ? null : ArrayPool<bool>.Shared.Rent(events.Count);
        var userHashes = held is null ? null : ArrayPool<ulong>.Shared.Rent(events.Count);
        Sort(AsSpan(events), isHeld, userHashes, byUser, byAccount, roundOf);
        if (byUser.Count > 0)
        {
            await flushing;
        }

        var calls = new List<(UserRound Round, Task<string?[]> Answer)>(byUser.Count);
        foreach (var (workspace, user, round) in byUser.All())
        {
            var batch = new IngestEvent[round.Indexes.Count];
            for (var j = 0; j < batch.Length; j++)
            {
                batch[j] = events[round.Indexes[j]];
            }

            touched?.User(workspace, user);
            calls.Add((round, User(workspace, user).ApplyAsync(held?.Take(workspace, user), new EventBatch(batch, origin))));
        }

        await Task.WhenAll(calls.Select(c => c.Answer));

        // Accounts the user grains resolved, by event index, for events that name none.
        var resolved = calls.Count == 0 ? null : new string?[events.Count];
        foreach (var (round, answer) in calls)
        {
            var accounts = answer.Result;
            for (var j = 0; j < round.Indexes.Count; j++)
            {
                var i = round.Indexes[j];
                var e = events[i];
                if (e.AccountId is null && accounts[j] is { } accountId && GoesToAccount(e))
                {
                    resolved![i] = accountId;
                    roundOf[i] = Count(byAccount, e.Workspace, accountId);
                }
            }
        }

        var order = ArrayPool<int>.Shared.Rent(events.Count);
        Fill(AsSpan(events), roundOf, resolved, order);
        Array.Clear(roundOf, 0, events.Count);
        ArrayPool<AccountRound?>.Shared.Return(roundOf);

        var accountCalls = new CallWaves(_callsPerWave);
        var firstSequence = held?.NextSequence ?? 0;
        foreach (var (workspace, account, round) in byAccount.All())
        {
            if (held is not null)
            {
                Hold(events, round!, order, isHeld!, userHashes!, held, firstSequence);
            }

            touched?.Account(workspace, account);
            await accountCalls.AddAsync(Account(workspace, account).ApplyAsync(new EventBatch(round!.Events!, origin)));
        }

        ArrayPool<int>.Shared.Return(order);
        if (isHeld is not null)
        {
            Array.Clear(isHeld, 0, events.Count);
            ArrayPool<bool>.Shared.Return(isHeld);
            ArrayPool<ulong>.Shared.Return(userHashes!);
        }

        await accountCalls.CompleteAsync();
    }

    /// <summary>Hands every user's held activity to its grain.</summary>
    public async Task FlushAsync(UserActivityBuffer held)
    {
        var all = held.TakeAll();
        var calls = new CallWaves(_callsPerWave);
        foreach (var (workspace, user, activity) in all)
        {
            await calls.AddAsync(User(workspace, user).ApplyActivityAsync(activity));
        }

        await calls.CompleteAsync();
    }

    /// <summary>Has every grain in <paramref name="taken"/> write its state (see <see cref="ISnapshotGrain.PersistAsync"/>).</summary>
    /// <remarks>
    /// One at a time: a checkpoint can touch every grain there is, and their writes at once would take the
    /// database (and the connections) away from the event log's appends. In the durable benchmark 4 at a time
    /// cut the half-load ack p99 from 174 ms (16 at a time) to 52-102 ms, one at a time to 32-34 ms. A
    /// checkpoint's writes then take longer in all, and the checkpoint moves only after the last of them.
    /// </remarks>
    public async Task PersistAsync(TouchedSet taken)
    {
        var grains = taken.Users.Select(u => (ISnapshotGrain)User(u.Workspace, u.Key))
            .Concat(taken.Accounts.Select(a => Account(a.Workspace, a.Key)));
        await Parallel.ForEachAsync(grains, new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentPersists }, (grain, _) => new ValueTask(grain.PersistAsync()));
    }

    /// <summary>
    /// Sorts a round's events into user calls (<paramref name="byUser"/>) or held activity (<paramref name="isHeld"/>,
    /// with the hash of each held event's user in <paramref name="userHashes"/>), and counts each account's events
    /// whose account they name (<paramref name="roundOf"/> for each).
    /// </summary>
    /// <remarks>
    /// A user is called this round when one of their events needs the user's answer (it names no account,
    /// or is a profile call) or nothing is held; every event of theirs in the round then goes in that call,
    /// in order. Everyone else's activity is held. The common round has no such user at all. Sorting and
    /// counting share a pass: each pass over a round reads tens of thousands of events from memory. This pass reads them
    /// in the order they arrived, which the processor prefetches; users' ids are hashed here for that reason, rather than
    /// in <see cref="Hold"/>, which reads each account's events from all over the round.
    /// </remarks>
    private static void Sort(ReadOnlySpan<IngestEvent> events, bool[]? isHeld, ulong[]? userHashes, WorkspaceMap<UserRound> byUser, WorkspaceMap<AccountRound> byAccount, AccountRound?[] roundOf)
    {
        HashSet<(string, string)>? calledUsers = null;
        foreach (var e in events)
        {
            if (isHeld is null || !e.IsActivity || e.AccountId is null)
            {
                (calledUsers ??= []).Add((e.Workspace, e.UserKey));
            }
        }

        for (var i = 0; i < events.Length; i++)
        {
            var e = events[i];
            if (calledUsers is not null && calledUsers.Contains((e.Workspace, e.UserKey)))
            {
                ref var round = ref byUser.GetValueRefOrAddDefault(e.Workspace, e.UserKey, out _);
                (round ??= new UserRound()).Indexes.Add(i);
            }
            else
            {
                isHeld![i] = true; // held account by account in Hold, once the account's events are together
                userHashes![i] = UserActivityBuffer.UserHash(e);
            }

            roundOf[i] = e.AccountId is { } accountId && GoesToAccount(e) ? Count(byAccount, e.Workspace, accountId) : null;
        }
    }

    /// <summary>
    /// Puts each account's events in one array of its exact size, counted beforehand, in event order; an
    /// event that names no account gets the one its user grain <paramref name="resolved"/>. Growing a list per
    /// account and copying it out was a third of everything the gateway allocated.
    /// </summary>
    /// <remarks>Each account's events' indexes in the round go to its slice of <paramref name="order"/>, for <see cref="Hold"/>.</remarks>
    private static void Fill(ReadOnlySpan<IngestEvent> events, AccountRound?[] roundOf, string?[]? resolved, int[] order)
    {
        var slices = 0;
        for (var i = 0; i < events.Length; i++)
        {
            if (roundOf[i] is { } round)
            {
                if (round.Events is null)
                {
                    round.Events = new IngestEvent[round.Count];
                    round.Order = slices;
                    slices += round.Count;
                }

                order[round.Order + round.Filled] = i;
                round.Events[round.Filled++] = resolved?[i] is { } accountId ? events[i] with { AccountId = accountId } : events[i];
            }
        }
    }

    /// <summary>
    /// Holds the user activity of one account's events in the round, user by user (see
    /// <see cref="UserActivityBuffer.Add(ReadOnlySpan{IngestEvent}, Span{int}, ReadOnlySpan{ulong}, long)"/>). Account by account, a user's
    /// builder is touched a few times in a row; in event order it was touched once per ten thousand events, each time
    /// out of cache. Each event keeps its place in the stored order (<paramref name="firstSequence"/> plus its index).
    /// </summary>
    /// <remarks>The account's slice of <paramref name="order"/> is read once, here: its held indexes are gathered into it.</remarks>
    private static void Hold(IReadOnlyList<IngestEvent> events, AccountRound round, int[] order, bool[] isHeld, ulong[] userHashes, UserActivityBuffer held, long firstSequence)
    {
        var slice = order.AsSpan(round.Order, round.Count);
        var count = 0;
        foreach (var i in slice)
        {
            if (isHeld[i])
            {
                slice[count++] = i;
            }
        }

        held.Add(AsSpan(events), slice[..count], userHashes, firstSequence);
    }

    // The dispatcher's rounds are lists: a span reads them without an interface call per event.
    private static ReadOnlySpan<IngestEvent> AsSpan(IReadOnlyList<IngestEvent> events) => events switch
    {
        IngestEvent[] array => array,
        List<IngestEvent> list => CollectionsMarshal.AsSpan(list),
        _ => events.ToArray(),
    };

    /// <summary>Whether an event with an account is applied to it: activity and group calls are.</summary>
    private static bool GoesToAccount(IngestEvent e) => e.IsActivity || e.Kind == EventKind.Group;

    private static AccountRound Count(WorkspaceMap<AccountRound> byAccount, string workspace, string accountId)
    {
        ref var round = ref byAccount.GetValueRefOrAddDefault(workspace, accountId, out _);
        (round ??= new AccountRound()).Count++;
        return round;
    }

    private IUserGrain User(string workspace, string user) =>
        Cached(_users, workspace, user, static (g, key) => g.GetGrain<IUserGrain>(GrainKeys.User(key.Item1, key.Item2)));

    private IAccountGrain Account(string workspace, string account) =>
        Cached(_accounts, workspace, account, static (g, key) => g.GetGrain<IAccountGrain>(GrainKeys.Account(key.Item1, key.Item2)));

    private T Cached<T>(ConcurrentDictionary<(string, string), T> cache, string workspace, string id, Func<IGrainFactory, (string, string), T> resolve)
    {
        if (cache.TryGetValue((workspace, id), out var cached))
        {
            return cached;
        }

        // Only on a miss: a concurrent dictionary's Count takes every one of its locks.
        if (cache.Count > MaxCachedReferences)
        {
            cache.Clear();
        }

        return cache.GetOrAdd((workspace, id), static (key, arg) => arg.resolve(arg.grains, key), (grains, resolve));
    }

    private sealed class AccountRound
    {
        public int Count;
        public int Filled;
        public int Order; // where the account's event indexes start in the round's order array
        public IngestEvent[]? Events;
    }

    private sealed class UserRound
    {
        public List<int> Indexes { get; } = new(2);
    }
}
