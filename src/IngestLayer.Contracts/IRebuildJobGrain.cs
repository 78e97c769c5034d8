namespace IngestLayer.Contracts;

/// <summary>
/// One bulk rebuild: rebuilds the accounts it is given (or every account with stored events in the workspace)
/// a few at a time in the background, keyed by <see cref="GrainKeys.RebuildJob"/>. Its progress lives in memory
/// only, on whichever silo holds it: a host restart forgets the job (the accounts already rebuilt stay rebuilt).
/// </summary>
[Alias("IngestLayer.IRebuildJobGrain")]
public interface IRebuildJobGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the job and returns at once, with its status (queued); null when the host's log keeps no event
    /// bodies (embedded mode), and nothing starts. A job already started is not started again.
    /// </summary>
    Task<RebuildJobStatus?> StartAsync(RebuildJobRequest request);

    /// <summary>The job's progress, or null for a job never started here (or forgotten).</summary>
    Task<RebuildJobStatus?> GetStatusAsync();
}

/// <summary>Which accounts of <see cref="Workspace"/> to rebuild: <see cref="Accounts"/>, or all when it is null.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.RebuildJobRequest")]
public sealed record RebuildJobRequest([property: Id(0)] string Workspace, [property: Id(1)] IReadOnlyList<string>? Accounts);

/// <summary>Where a bulk rebuild is.</summary>
[GenerateSerializer, Alias("IngestLayer.RebuildJobState")]
public enum RebuildJobState
{
    /// <summary>Accepted, not yet working (listing the workspace's accounts, for a rebuild of all).</summary>
    Queued = 0,
    Running = 1,
    /// <summary>Every account was tried; some may have failed (see the failures).</summary>
    Done = 2,
    /// <summary>The job itself stopped: the accounts could not be listed.</summary>
    Failed = 3,
}

/// <summary>An account the job could not rebuild, and why.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.RebuildFailure")]
public sealed record RebuildFailure([property: Id(0)] string AccountId, [property: Id(1)] string Error);

/// <summary>A bulk rebuild's progress.</summary>
/// <param name="JobId">The job's id (<c>GET /ops/rebuilds/{JobId}</c>).</param>
/// <param name="Workspace">The workspace whose accounts it rebuilds.</param>
/// <param name="State">Where it is.</param>
/// <param name="Total">Accounts to rebuild (known once listed).</param>
/// <param name="Done">Accounts tried so far: rebuilt or failed.</param>
/// <param name="Rebuilt">Accounts rebuilt.</param>
/// <param name="EventsReplayed">Stored events replayed, over every account rebuilt.</param>
/// <param name="AlertsSuppressed">Alerts the replays fired and discarded, over every account rebuilt.</param>
/// <param name="Failures">Accounts that failed, the first <see cref="MaxFailuresListed"/>; <paramref name="FailureCount"/> counts them all.</param>
/// <param name="FailureCount">Accounts that failed.</param>
/// <param name="CreatedAt">When the job was started.</param>
/// <param name="FinishedAt">When it finished (done or failed).</param>
/// <param name="Error">Why the job failed, when it did.</param>
[GenerateSerializer, Immutable, Alias("IngestLayer.RebuildJobStatus")]
public sealed record RebuildJobStatus(
    [property: Id(0)] string JobId,
    [property: Id(1)] string Workspace,
    [property: Id(2)] RebuildJobState State,
    [property: Id(3)] int Total,
    [property: Id(4)] int Done,
    [property: Id(5)] int Rebuilt,
    [property: Id(6)] long EventsReplayed,
    [property: Id(7)] long AlertsSuppressed,
    [property: Id(8)] int FailureCount,
    [property: Id(9)] IReadOnlyList<RebuildFailure> Failures,
    [property: Id(10)] DateTimeOffset CreatedAt,
    [property: Id(11)] DateTimeOffset? FinishedAt,
    [property: Id(12)] string? Error)
{
    public const int MaxFailuresListed = 100;
}
