namespace IngestLayer.Contracts;

/// <summary>One customer account (company, organisation), keyed by <see cref="GrainKeys.Account"/>.</summary>
[Alias("IngestLayer.IAccountGrain")]
public interface IAccountGrain : IGrainWithStringKey, ISnapshotGrain
{
    /// <summary>Applies events attributed to this account, then evaluates its signals.</summary>
    Task ApplyAsync(EventBatch batch);

    /// <summary>Sets the owner and their channel from the book of business.</summary>
    Task AssignOwnerAsync(OwnerAssignment assignment);

    /// <summary>The account's live state, or null for an account never seen.</summary>
    Task<AccountSnapshot?> GetSnapshotAsync();
}
