namespace IngestLayer.Contracts;

/// <summary>One end user of a customer's product, keyed by <see cref="GrainKeys.User"/>.</summary>
[Alias("IngestLayer.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey, ISnapshotGrain
{
    /// <summary>
    /// Applies <paramref name="earlier"/> activity (if any), then the user's events in order, and returns,
    /// per event, the account it is attributed to: the account named on the event, else the user's latest
    /// known membership, else null.
    /// </summary>
    Task<string?[]> ApplyAsync(UserActivity? earlier, EventBatch batch);

    /// <summary>Applies pre-aggregated activity of events that named their account.</summary>
    Task ApplyActivityAsync(UserActivity activity);

    /// <summary>The user's identity and traits (null for a user never seen): what a pipeline's enrich step needs, without the counters.</summary>
    Task<UserProfile?> GetProfileAsync();

    /// <summary>The user's live state, or null for a user never seen.</summary>
    Task<UserSnapshot?> GetSnapshotAsync();
}
