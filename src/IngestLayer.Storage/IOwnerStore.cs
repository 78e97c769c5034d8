namespace IngestLayer.Storage;

/// <summary>
/// The book of business as imported (CSV), kept so it outlives the process. The account grains hold the
/// live view; this is the record they and operators can be rebuilt from.
/// </summary>
public interface IOwnerStore
{
    /// <summary>
    /// Inserts or replaces the assignments of <paramref name="workspace"/>. When one account appears more
    /// than once the last row wins, as it would reading the file top to bottom.
    /// </summary>
    ValueTask UpsertAsync(string workspace, IReadOnlyList<OwnerRecord> records, CancellationToken cancellationToken);

    /// <summary>The account's assignment, or null if none was imported.</summary>
    ValueTask<OwnerRecord?> GetAsync(string workspace, string accountId, CancellationToken cancellationToken);

    /// <summary>Every account assigned to <paramref name="owner"/>, ordered by account id.</summary>
    ValueTask<IReadOnlyList<OwnerRecord>> ListByOwnerAsync(string workspace, string owner, CancellationToken cancellationToken);
}
