namespace IngestLayer.Grains.Rules;

/// <summary>
/// How a rule's <see cref="CompiledRule.Holds"/> depends on the account's event and feature counters, which a batch
/// holds back (<see cref="AccountFold"/>) until a rule evaluated mid-batch needs them.
/// </summary>
public enum CounterReads
{
    /// <summary>Reads them: evaluated on the counts of every event applied so far.</summary>
    Exact,

    /// <summary>
    /// Reads them, but at one instant more counts can only make it hold: holding on part of the counts means holding
    /// on all of them, so only a condition that does not hold yet needs the rest.
    /// </summary>
    Rising,

    /// <summary>Does not read them.</summary>
    None,
}
