namespace IngestLayer.Contracts;

/// <summary>One customer account (company, organisation), keyed by <see cref="GrainKeys.Account"/>.</summary>
[Alias("IngestLayer.IAccountGrain")]
public interface IAccountGrain : IGrainWithStringKey, ISnapshotGrain
{
    /// <summary>Applies events attributed to this account, then evaluates its signals.</summary>
    Task ApplyAsync(EventBatch batch);

    /// <summary>Sets the owner and their channel from the book of business.</summary>
    Task AssignOwnerAsync(OwnerAssignment assignment);

    /// <summary>
    /// Evaluates the rules that can cross with the passage of time alone (inactivity, a week-over-week drop, a
    /// count below a threshold). A grain timer calls it while the grain is active.
    /// </summary>
    Task EvaluateScheduledAsync();

    /// <summary>
    /// Snoozes <paramref name="ruleId"/> (null: every rule) on this account until <paramref name="until"/>: its
    /// alerts are still recorded, with status <c>snoozed</c>, but not sent. An earlier <paramref name="until"/> ends it.
    /// </summary>
    Task SnoozeAsync(string? ruleId, DateTimeOffset until);

    /// <summary>The account's live state, or null for an account never seen.</summary>
    Task<AccountSnapshot?> GetSnapshotAsync();
}
