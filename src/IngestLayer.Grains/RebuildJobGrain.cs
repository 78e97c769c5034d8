using IngestLayer.Contracts;
using IngestLayer.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Grains;

/// <summary>
/// Rebuilds many accounts in the background, <see cref="Concurrency"/> at a time, so a large workspace neither holds
/// an HTTP request open nor runs into a grain call's timeout, and the database keeps room for ingest. Progress is
/// kept in memory (see <see cref="IRebuildJobGrain"/>); the grain stays active while it works and for an hour after.
/// </summary>
[CollectionAgeLimit(Minutes = 60)]
public sealed partial class RebuildJobGrain(
    IOptions<GrainStateOptions> mode,
    [FromKeyedServices(AppClock.Key)] TimeProvider time,
    ILogger<RebuildJobGrain> logger) : Grain, IRebuildJobGrain
{
    /// <summary>Account rebuilds at once: each reads one account's log and writes one state.</summary>
    public const int Concurrency = 2;

    private const int ListPage = 10_000;

    private readonly List<RebuildFailure> _failures = [];
    private string _jobId = "";
    private RebuildJobRequest? _request;
    private RebuildJobState _state;
    private int _total, _done, _rebuilt, _failureCount;
    private long _eventsReplayed, _alertsSuppressed;
    private DateTimeOffset _createdAt;
    private DateTimeOffset? _finishedAt;
    private string? _error;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _jobId = GrainKeys.RebuildJobId(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public Task<RebuildJobStatus?> StartAsync(RebuildJobRequest request)
    {
        if (!mode.Value.DurableStorage)
        {
            return Task.FromResult<RebuildJobStatus?>(null); // embedded mode: its log keeps no event bodies to replay
        }

        if (_request is null)
        {
            _request = request;
            _createdAt = time.GetUtcNow();
            // Not awaited: the request is answered now. The work runs on this grain's scheduler, between its calls,
            // so the fields it updates need no lock.
            _ = RunAsync(request);
        }

        return GetStatusAsync();
    }

    public Task<RebuildJobStatus?> GetStatusAsync() => Task.FromResult(_request is null ? null : new RebuildJobStatus(
        _jobId, _request.Workspace, _state, _total, _done, _rebuilt, _eventsReplayed, _alertsSuppressed, _failureCount,
        [.. _failures], _createdAt, _finishedAt, _error));

    private async Task RunAsync(RebuildJobRequest request)
    {
        await Task.Yield(); // let StartAsync answer first
        try
        {
            await RebuildAllAsync(request);
        }
        catch (Exception e)
        {
            // Nothing awaits this task: whatever stops the job must end in its status, not in an unobserved task.
            LogJobFailed(logger, e, _jobId);
            Finish(RebuildJobState.Failed, e.Message);
        }
    }

    private async Task RebuildAllAsync(RebuildJobRequest request)
    {
        var accounts = request.Accounts ?? await ListAccountsAsync(request.Workspace);

        (_total, _state) = (accounts.Count, RebuildJobState.Running);
        LogStarted(logger, _jobId, request.Workspace, accounts.Count);
        var next = 0;
        async Task WorkerAsync()
        {
            while (next < accounts.Count)
            {
                var accountId = accounts[next++];
                // Idle collection counts calls, not work: keep the activation (and the progress it holds) alive.
                DelayDeactivation(TimeSpan.FromMinutes(30));
                await RebuildOneAsync(request.Workspace, accountId);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => WorkerAsync()));
        Finish(RebuildJobState.Done, null);
    }

    private async Task RebuildOneAsync(string workspace, string accountId)
    {
        try
        {
            var result = await GrainFactory.GetGrain<IAccountGrain>(GrainKeys.Account(workspace, accountId)).RebuildAsync();
            if (result.Outcome == AccountRebuildOutcome.Rebuilt)
            {
                _rebuilt++;
                _eventsReplayed += result.EventsReplayed;
                _alertsSuppressed += result.AlertsSuppressed;
            }
            else
            {
                Fail(accountId, "no stored events");
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One account's failure (the database away for a moment, a timeout) must not stop the others.
            LogAccountFailed(logger, e, _jobId, workspace, accountId);
            Fail(accountId, $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            _done++;
        }
    }

    private void Fail(string accountId, string error)
    {
        _failureCount++;
        if (_failures.Count < RebuildJobStatus.MaxFailuresListed)
        {
            _failures.Add(new RebuildFailure(accountId, error));
        }
    }

    private async Task<IReadOnlyList<string>> ListAccountsAsync(string workspace)
    {
        var log = ServiceProvider.GetRequiredService<IEventLog>();
        var all = new List<string>();
        while (true)
        {
            var page = await log.ReadAccountIdsAsync(workspace, all.Count == 0 ? null : all[^1], ListPage, CancellationToken.None);
            all.AddRange(page);
            if (page.Count < ListPage)
            {
                return all;
            }
        }
    }

    private void Finish(RebuildJobState state, string? error)
    {
        (_state, _error, _finishedAt) = (state, error, time.GetUtcNow());
        LogFinished(logger, _jobId, state, _rebuilt, _failureCount, _alertsSuppressed);
        DelayDeactivation(TimeSpan.FromHours(1)); // the status stays readable for a while
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuild job {JobId}: rebuilding {Count} accounts of workspace {Workspace}")]
    private static partial void LogStarted(ILogger logger, string jobId, string workspace, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rebuild job {JobId} stopped")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rebuild job {JobId}: account {Workspace}/{AccountId} failed")]
    private static partial void LogAccountFailed(ILogger logger, Exception exception, string jobId, string workspace, string accountId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuild job {JobId} {State}: {Rebuilt} accounts rebuilt, {Failed} failed, {Suppressed} alerts of the replays discarded")]
    private static partial void LogFinished(ILogger logger, string jobId, RebuildJobState state, int rebuilt, int failed, long suppressed);
}
