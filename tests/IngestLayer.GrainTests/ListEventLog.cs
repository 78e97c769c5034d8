using System.Runtime.CompilerServices;
using IngestLayer.Contracts;
using IngestLayer.Storage;

namespace IngestLayer.GrainTests;

/// <summary>An event log that keeps bodies in a list, assigning positions as a durable log does: the seam a backtest reads.</summary>
public sealed class ListEventLog : IEventLog
{
    private readonly List<IngestEvent> _events = [];
    private readonly List<string?> _origins = [];

    /// <summary>The host recorded as appending what is appended from now on (<c>ingested_by</c>).</summary>
    public string? Origin { get; set; }

    /// <summary>Accounts whose history cannot be read (the database away), to test failures.</summary>
    public HashSet<string> Unreadable { get; } = [];

    /// <summary>Workspaces whose accounts cannot be listed.</summary>
    public HashSet<string> Unlistable { get; } = [];
    private readonly Lock _gate = new();

    public ValueTask<IReadOnlyList<IngestEvent>> AppendAsync(IReadOnlyList<IngestEvent> events, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var stored = new List<IngestEvent>(events.Count);
            foreach (var e in events)
            {
                stored.Add(e with { Position = _events.Count + 1 });
                _events.Add(stored[^1]);
                _origins.Add(Origin);
            }

            return ValueTask.FromResult<IReadOnlyList<IngestEvent>>(stored);
        }
    }

    public async IAsyncEnumerable<IngestEvent> ReadAsync(long afterPosition, string? ingestedBy, int max, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<IngestEvent> page;
        lock (_gate)
        {
            page = [.. _events.Where(e => e.Position > afterPosition).Take(max)];
        }

        foreach (var e in page)
        {
            await Task.Yield();
            yield return e;
        }
    }

    public async IAsyncEnumerable<StoredEvent> ReadAccountAsync(string workspace, string accountId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<StoredEvent> all;
        lock (_gate)
        {
            if (Unreadable.Contains(accountId))
            {
                throw new StorageUnavailableException($"The history of {accountId} cannot be read (test).");
            }

            all = [.. _events.Select((e, i) => new StoredEvent(e, _origins[i])).Where(s => s.Event.Workspace == workspace)];
        }

        var attribution = new AccountAttribution(accountId);
        foreach (var stored in all)
        {
            await Task.Yield();
            if (attribution.Attribute(stored.Event) is { } e)
            {
                yield return stored with { Event = e };
            }
        }
    }

    public Task<IReadOnlyList<IngestEvent>> ReadLatestAsync(string workspace, int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<IngestEvent>>([.. _events.Where(e => e.Workspace == workspace).TakeLast(max)]);
        }
    }

    public Task<IReadOnlyList<string>> ReadAccountIdsAsync(string workspace, string? afterAccountId, int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Unlistable.Contains(workspace))
            {
                throw new StorageUnavailableException($"The accounts of {workspace} cannot be listed (test).");
            }

            return Task.FromResult<IReadOnlyList<string>>([.. _events
                .Where(e => e.Workspace == workspace && e.AccountId is not null && (afterAccountId is null || string.CompareOrdinal(e.AccountId, afterAccountId) > 0))
                .Select(e => e.AccountId!).Distinct().Order(StringComparer.Ordinal).Take(max)]);
        }
    }
}
