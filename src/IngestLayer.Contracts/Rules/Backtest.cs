namespace IngestLayer.Contracts;

/// <summary>Replay the stored events of <see cref="Workspace"/> through <see cref="Rule"/> and list the alerts it fires in [<see cref="From"/>, <see cref="To"/>).</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.BacktestRequest")]
public sealed record BacktestRequest(
    [property: Id(0)] string Workspace,
    [property: Id(1)] RuleDefinition Rule,
    [property: Id(2)] DateTimeOffset From,
    [property: Id(3)] DateTimeOffset To);

/// <summary>What a rule would have fired, sent nowhere.</summary>
/// <param name="Alerts">Every alert, in the order it would have fired.</param>
/// <param name="PerChannel">Alerts per destination channel (<c>(default)</c> for accounts without an owner channel).</param>
/// <param name="EventsScanned">Stored events read (all workspaces: the log is read in position order).</param>
/// <param name="Truncated">True when the scan stopped at its limit before the end of the log.</param>
[GenerateSerializer, Immutable, Alias("IngestLayer.BacktestResult")]
public sealed record BacktestResult(
    [property: Id(0)] IReadOnlyList<Alert> Alerts,
    [property: Id(1)] IReadOnlyDictionary<string, int> PerChannel,
    [property: Id(2)] long EventsScanned,
    [property: Id(3)] bool Truncated);

/// <summary>Runs backtests next to the event log, on whichever silo takes the call.</summary>
[Alias("IngestLayer.IBacktestGrain")]
public interface IBacktestGrain : IGrainWithIntegerKey
{
    /// <summary>Null when the event log keeps no event bodies (embedded mode), so there is nothing to replay.</summary>
    Task<BacktestResult?> RunAsync(BacktestRequest request);
}
