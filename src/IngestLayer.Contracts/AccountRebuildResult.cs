namespace IngestLayer.Contracts;

/// <summary>Whether an account could be rebuilt from the stored log.</summary>
[GenerateSerializer, Alias("IngestLayer.AccountRebuildOutcome")]
public enum AccountRebuildOutcome
{
    /// <summary>The state was replaced by the replay and written.</summary>
    Rebuilt = 0,

    /// <summary>The log holds no event of the account: nothing was changed.</summary>
    NoStoredEvents = 1,

    /// <summary>The host's log keeps no event bodies (embedded mode): nothing was changed.</summary>
    LogKeepsNoEvents = 2,
}

/// <summary>What rebuilding an account's state from the stored log did (see <see cref="IAccountGrain.RebuildAsync"/>).</summary>
/// <param name="Outcome">Whether it was rebuilt; the counts below are zero unless it was.</param>
/// <param name="EventsReplayed">Stored events folded into the new state.</param>
/// <param name="AlertsSuppressed">Alerts the replay fired and discarded: none of them was sent or recorded.</param>
/// <param name="EventsAppliedBefore">The live state's events applied before the rebuild.</param>
/// <param name="EventsAppliedAfter">The rebuilt state's.</param>
/// <param name="MembersBefore">Users the live state counted as members before.</param>
/// <param name="MembersAfter">Users the rebuilt state counts as members.</param>
/// <param name="RulesHolding">
/// Rules whose condition holds at the end of the replay: they stay latched, so they fire only after they stop
/// holding and cross again.
/// </param>
[GenerateSerializer, Immutable, Alias("IngestLayer.AccountRebuildResult")]
public sealed record AccountRebuildResult(
    [property: Id(0)] AccountRebuildOutcome Outcome,
    [property: Id(1)] long EventsReplayed,
    [property: Id(2)] int AlertsSuppressed,
    [property: Id(3)] long EventsAppliedBefore,
    [property: Id(4)] long EventsAppliedAfter,
    [property: Id(5)] int MembersBefore,
    [property: Id(6)] int MembersAfter,
    [property: Id(7)] IReadOnlyList<string> RulesHolding)
{
    /// <summary>Nothing was rebuilt, for <paramref name="outcome"/>.</summary>
    public static AccountRebuildResult NotRebuilt(AccountRebuildOutcome outcome) => new(outcome, 0, 0, 0, 0, 0, 0, []);
}
