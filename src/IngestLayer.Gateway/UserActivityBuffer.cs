using System.Buffers;
using System.IO.Hashing;
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
    // A user's builder outlives the flush that takes its activity, emptied, until a whole interval passes
    // without their events. A fresh builder per user per flush (its arrays regrown every time) lived about a
    // second: long enough to be promoted, which made it the costliest garbage the dispatch path left.
    private readonly WorkspaceMap<Builder> _users = new();
    private readonly List<(string Workspace, string User)> _idle = [];

    /// <summary>Users with activity not yet handed to their grains.</summary>
    public int Users { get; private set; }

    /// <summary>Events held back.</summary>
    public long Events { get; private set; }

    private long _sequence;

    /// <summary>Holds <paramref name="e"/> as the newest activity so far.</summary>
    public void Add(IngestEvent e)
    {
        var sequence = NextSequence;
        ref var builder = ref _users.GetValueRefOrAddDefault(e.Workspace, e.UserKey, out _);
        Add(builder ??= new Builder(), e, sequence);
    }

    /// <summary>
    /// Holds the events of <paramref name="events"/> at <paramref name="indexes"/>, each at sequence
    /// <paramref name="firstSequence"/> plus its index (its place in the stored order), user by user. The router
    /// hands over one account's events of a round at a time, with each event's <see cref="UserHash"/> at its index in
    /// <paramref name="userHashes"/>. Reorders <paramref name="indexes"/>. Sequences only grow from round to round.
    /// </summary>
    /// <remarks>
    /// The indexes are sorted by their user's hash first, so each user's builder (one of ten thousand, out of cache)
    /// is looked up once per run of their events and then stays in cache. One lookup per event, even behind a cache
    /// of the account's last eight users, was a fifth of the gateway's CPU: with ten users to an account that cache
    /// missed about a third of the time, and each hit compared user ids char by char. A run is one user by its 64-bit
    /// hash, as the dedupe window takes a message by its key: two users of one account colliding in one round is a
    /// chance in 2^64 per pair. A user's events are added out of stored order; their sequences keep the user's latest
    /// membership right.
    /// </remarks>
    public void Add(ReadOnlySpan<IngestEvent> events, Span<int> indexes, ReadOnlySpan<ulong> userHashes, long firstSequence)
    {
        ulong[]? rented = null;
        var hashes = indexes.Length <= 256 ? stackalloc ulong[indexes.Length] : (rented = ArrayPool<ulong>.Shared.Rent(indexes.Length)).AsSpan(0, indexes.Length);
        var touched = 0L;
        for (var j = 0; j < indexes.Length; j++)
        {
            hashes[j] = userHashes[indexes[j]];
            touched += Touch(events[indexes[j]]);
        }

        hashes.Sort(indexes);

        // Each run's builder first, in a pass of its own: the lookups, then each builder's arrays, are misses that
        // do not depend on one another, so they overlap here, where the add loop below waited for each in turn.
        var runs = 0;
        for (var j = 0; j < indexes.Length; j++)
        {
            if (StartsRun(events, indexes, hashes, j))
            {
                var e = events[indexes[j]];
                ref var found = ref _users.GetValueRefOrAddDefault(e.Workspace, e.UserKey, out _);
                if (runs == _runs.Length)
                {
                    Array.Resize(ref _runs, runs * 2);
                }

                _runs[runs++] = (found ??= new Builder(), j);
                touched += found.Touch();
            }
        }

        _touched = touched;
        for (var r = 0; r < runs; r++)
        {
            var (builder, start) = _runs[r];
            var end = r + 1 < runs ? _runs[r + 1].Start : indexes.Length;
            for (var j = start; j < end; j++)
            {
                Add(builder!, events[indexes[j]], firstSequence + indexes[j]);
            }
        }

        Array.Clear(_runs, 0, runs);
        if (rented is not null)
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Reads the parts of <paramref name="e"/> that adding it reads: its workspace at the start of the object, its
    /// timestamp further on (another cache line), its user id (hashed to find the builder). The router hands over an
    /// account's events from all over a round of tens of thousands, out of cache: read one by one as they were added,
    /// each was a miss the loop waited for, and holding was 11% of the gateway's CPU samples (6.6% with this pass).
    /// Read first in a loop that does little else, the misses overlap.
    /// </summary>
    private static long Touch(IngestEvent e) =>
        e.Workspace.Length + e.Timestamp.UtcTicks + ((e.UserId ?? e.AnonymousId) is { Length: > 0 } user ? user[^1] : 0); // its last character: the id may cross a line

    private long _touched; // keeps the JIT from dropping the touches
    private (Builder? Builder, int Start)[] _runs = new (Builder?, int)[16]; // the runs of the events being added: builder, first index

    // A run is one user's events: the same hash in the same workspace.
    private static bool StartsRun(ReadOnlySpan<IngestEvent> events, Span<int> indexes, Span<ulong> hashes, int j) =>
        j == 0 || hashes[j] != hashes[j - 1] || events[indexes[j]].Workspace is var workspace && events[indexes[j - 1]].Workspace is var previous
            && !(ReferenceEquals(workspace, previous) || workspace == previous);

    private void Add(Builder builder, IngestEvent e, long sequence)
    {
        if (builder.EventCount == 0)
        {
            Users++;
        }

        builder.Add(e, sequence);
        _sequence = Math.Max(_sequence, sequence);
        Events++;
    }

    /// <summary>The sequence after every one held so far, for the next round's first event.</summary>
    public long NextSequence => _sequence + 1;

    /// <summary>A 64-bit hash of the event's user, from the user key's parts without building it (an anonymous user's key is "anon:" + the id, a new string each time).</summary>
    public static ulong UserHash(IngestEvent e) => e.UserId is { } user
        ? XxHash3.HashToUInt64(MemoryMarshal.AsBytes(user.AsSpan()))
        : ~XxHash3.HashToUInt64(MemoryMarshal.AsBytes(e.AnonymousId.AsSpan()));

    /// <summary>Takes one user's held activity, so it can be applied before that user's newer events.</summary>
    public UserActivity? Take(string workspace, string user)
    {
        if (!_users.TryGetValue(workspace, user, out var builder) || builder.EventCount == 0)
        {
            return null;
        }

        Users--;
        Events -= builder.EventCount;
        return builder.Take();
    }

    /// <summary>Takes everything held.</summary>
    public List<(string Workspace, string User, UserActivity Activity)> TakeAll()
    {
        var all = new List<(string, string, UserActivity)>(Users);
        foreach (var (workspace, user, builder) in _users.All())
        {
            if (builder.EventCount == 0)
            {
                _idle.Add((workspace, user));
            }
            else
            {
                all.Add((workspace, user, builder.Take()));
            }
        }

        foreach (var (workspace, user) in _idle)
        {
            _users.Remove(workspace, user, out _);
        }

        _idle.Clear();
        (Users, Events) = (0, 0);
        return all;
    }

    /// <summary>
    /// One user's held activity. Flat on purpose: this runs for every event, on whichever of ten thousand
    /// builders the event's user has, so each extra object between the builder and its counts (a list and
    /// its array, a second list for accounts) was one more cache miss per event.
    /// </summary>
    private sealed class Builder
    {
        // A user who once sent many distinct events in a minute should not keep a large array for good.
        private const int MaxKeptUsage = 64;
        private UsageCount[] _usage = new UsageCount[4];
        private int[] _keys = new int[4]; // each row's KeyOf, searched before the rows themselves
        private int _usageCount;
        private string? _account;
        private long _accountSequence; // of the newest event naming _account
        private List<(string Account, long Sequence)>? _earlierAccounts; // only when a user's events name more than one account; oldest first
        private DateTimeOffset _first = DateTimeOffset.MaxValue;
        private DateTimeOffset _last = DateTimeOffset.MinValue;

        public int EventCount { get; private set; }

        /// <summary>Reads the builder and the first lines of its arrays, for <see cref="UserActivityBuffer.Add(ReadOnlySpan{IngestEvent}, Span{int}, ReadOnlySpan{ulong}, long)"/>.</summary>
        public long Touch() => _keys.Length + _usage.Length + EventCount;

        public void Add(IngestEvent e, long sequence)
        {
            EventCount++;
            _first = e.Timestamp < _first ? e.Timestamp : _first;
            _last = e.Timestamp > _last ? e.Timestamp : _last;
            var account = e.AccountId!;
            if (_account is null || _account == account)
            {
                (_account, _accountSequence) = (account, Math.Max(_accountSequence, sequence));
            }
            else
            {
                Name(account, sequence);
            }

            var minute = e.Timestamp.ToUnixTimeSeconds() / 60;
            var (name, feature) = (e.Name, e.Feature);
            var key = KeyOf(name, feature, minute);

            // The rows are cold (ten thousand builders, one touched per event) and a user's twenty-odd rows
            // are ten cache lines; their keys are one or two, searched with a vector compare. A key is from the
            // text, so a row's match always shares its key; rows that only share a key are checked and passed.
            var keys = _keys.AsSpan(0, _usageCount);
            for (var i = keys.LastIndexOf(key); i >= 0; i = keys[..i].LastIndexOf(key))
            {
                ref var u = ref _usage[i];
                if (u.Minute == minute && u.Name == name && u.Feature == feature)
                {
                    u = u with { Events = u.Events + 1, Uses = (int)Math.Min((long)u.Uses + e.Count, int.MaxValue) };
                    return;
                }
            }

            if (_usageCount == _usage.Length)
            {
                Array.Resize(ref _usage, _usage.Length * 2);
                Array.Resize(ref _keys, _usage.Length);
            }

            _keys[_usageCount] = key;
            _usage[_usageCount++] = new UsageCount(e.Name, e.Feature, minute, 1, e.Count);
        }

        // Accounts in the order they were last named: the user grain's latest membership is the last.
        private void Name(string account, long sequence)
        {
            var earlier = _earlierAccounts ??= new(1);
            var known = earlier.FindIndex(a => a.Account == account);
            if (known >= 0)
            {
                if (earlier[known].Sequence >= sequence)
                {
                    return;
                }

                earlier.RemoveAt(known);
            }

            if (sequence > _accountSequence)
            {
                earlier.Add((_account!, _accountSequence));
                (_account, _accountSequence) = (account, sequence);
                return;
            }

            // Named before the current account's newest event (added later, from another account's events).
            earlier.Insert(earlier.FindLastIndex(a => a.Sequence < sequence) + 1, (account, sequence));
        }

        // A few characters and the lengths: enough to tell apart the names and features one user sends in a
        // minute, read from strings the parser just handed over, where hashing them whole would cost more.
        private static int KeyOf(string name, string? feature, long minute) =>
            (int)minute * -1640531535 ^ Tag(name) ^ Tag(feature) * 31;

        private static int Tag(string? s) => s switch
        {
            null => -1,
            "" => 0,
            _ => s.Length << 21 ^ s[0] << 14 ^ s[s.Length / 2] << 7 ^ s[^1],
        };

        /// <summary>The activity added since the last take; the builder is then empty, ready for more.</summary>
        public UserActivity Take()
        {
            string[] accounts = _earlierAccounts is null ? [_account!] : [.. _earlierAccounts.Select(a => a.Account), _account!];
            var usage = _usage.AsSpan(0, _usageCount);
            var activity = new UserActivity(usage.ToArray(), accounts, _first, _last, EventCount);
            usage.Clear();
            if (_usage.Length > MaxKeptUsage)
            {
                (_usage, _keys) = (new UsageCount[4], new int[4]);
            }

            (_usageCount, _account, _accountSequence, _earlierAccounts, EventCount) = (0, null, 0, null, 0);
            (_first, _last) = (DateTimeOffset.MaxValue, DateTimeOffset.MinValue);
            return activity;
        }
    }
}
