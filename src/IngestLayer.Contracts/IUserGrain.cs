namespace IngestLayer.Contracts;

/// <summary>One end user of a customer's product, keyed by <see cref="GrainKeys.User"/>.</summary>
[Alias("IngestLayer.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>
    /// Applies the user's events (in order) and returns, per event, the account it is attributed to:
    /// the account named on the event, else the user's latest known membership, else null.
    /// </summary>
    Task<string?[]> ApplyAsync(EventBatch batch);

    /// <summary>The user's live state, or null for a user never seen.</summary>
    Task<UserSnapshot?> GetSnapshotAsync();
}
