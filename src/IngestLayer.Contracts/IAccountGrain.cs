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

    /// <summary>
    /// Records that <paramref name="by"/> acknowledged alert <paramref name="alertId"/> at <paramref name="at"/> (the first
    /// acknowledgement stands). Returns false when the account no longer remembers the alert (it keeps its latest few).
    /// </summary>
    Task<bool> AcknowledgeAsync(string alertId, string by, DateTimeOffset at);

    /// <summary>
    /// Replaces the account's state with one rebuilt from the stored log through the workspace's current rules,
    /// discarding every alert the replay fires, so nothing is sent for the past and rules end latched where the
    /// replay leaves them. Keeps what no event carries: the owner assignment, snoozes, recent alerts. Events
    /// delivered afterwards that the replay already covered are skipped; later ones apply once.
    /// </summary>
    [ResponseTimeout("00:10:00")] // a long history takes longer than the default 30 s call timeout
    Task<AccountRebuildResult> RebuildAsync();

    /// <summary>The account's live state, or null for an account never seen.</summary>
    Task<AccountSnapshot?> GetSnapshotAsync();
}
