namespace IngestLayer.Storage;

/// <summary>The embedded mode's book of business: a dictionary per process, gone on restart like the rest of embedded state.</summary>
public sealed class MemoryOwnerStore : IOwnerStore
{
    private readonly Dictionary<(string Workspace, string AccountId), OwnerRecord> _records = [];
    private readonly Lock _gate = new();

    public ValueTask UpsertAsync(string workspace, IReadOnlyList<OwnerRecord> records, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var record in records)
            {
                _records[(workspace, record.AccountId)] = record;
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<OwnerRecord?> GetAsync(string workspace, string accountId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_records.GetValueOrDefault((workspace, accountId)));
        }
    }

    public ValueTask<IReadOnlyList<OwnerRecord>> ListByOwnerAsync(string workspace, string owner, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<OwnerRecord> owned = _records
                .Where(r => r.Key.Workspace == workspace && r.Value.Owner == owner)
                .Select(r => r.Value)
                .OrderBy(r => r.AccountId, StringComparer.Ordinal)
                .ToList();
            return ValueTask.FromResult(owned);
        }
    }
}
