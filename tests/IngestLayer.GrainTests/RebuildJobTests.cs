using IngestLayer.Contracts;

namespace IngestLayer.GrainTests;

/// <summary>The bulk rebuild job grain: every account tried, one's failure recorded without stopping the rest.</summary>
public sealed class RebuildJobTests(DurableFlushCluster fixture) : IClassFixture<DurableFlushCluster>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task a_job_over_all_accounts_rebuilds_each_and_records_the_one_that_fails()
    {
        var ws = "ws_" + Guid.NewGuid().ToString("N")[..10];
        var e = new GrainTestEvents(DateTimeOffset.UtcNow.AddMinutes(-5));
        fixture.Log.Origin = "host-a";
        await fixture.Log.AppendAsync([.. new[] { "a", "b", "c", "d" }.Select(id => e.Track("u-" + id, "report exported", id) with { Workspace = ws })], CancellationToken.None);
        fixture.Log.Unreadable.Add("c");

        var job = Job();
        var started = await job.StartAsync(new RebuildJobRequest(ws, Accounts: null));
        var done = await FinishedAsync(job);

        Assert.Equal(RebuildJobState.Queued, started!.State);
        Assert.Equal((RebuildJobState.Done, 4, 4, 3, 3L, 1), (done.State, done.Total, done.Done, done.Rebuilt, done.EventsReplayed, done.FailureCount));
        var failure = Assert.Single(done.Failures);
        Assert.Equal("c", failure.AccountId);
        Assert.StartsWith("StorageUnavailableException", failure.Error, StringComparison.Ordinal);
        Assert.NotNull(done.FinishedAt);
        Assert.Equal(1, (await fixture.Cluster.Client.GetGrain<IAccountGrain>(GrainKeys.Account(ws, "d")).GetSnapshotAsync())!.EventsApplied);
    }

    [Fact]
    public async Task a_job_whose_accounts_cannot_be_listed_fails_saying_why_and_starting_it_again_changes_nothing()
    {
        var ws = "ws_" + Guid.NewGuid().ToString("N")[..10];
        fixture.Log.Unlistable.Add(ws);

        var job = Job();
        var first = await job.StartAsync(new RebuildJobRequest(ws, Accounts: null));
        var failed = await FinishedAsync(job);
        var again = await job.StartAsync(new RebuildJobRequest("other", ["x"]));

        Assert.Equal(RebuildJobState.Failed, failed.State);
        Assert.Contains("cannot be listed", failed.Error, StringComparison.Ordinal);
        Assert.Equal((0, 0), (failed.Total, failed.Done));
        Assert.Equal((first!.JobId, ws, RebuildJobState.Failed), (again!.JobId, again.Workspace, again.State));
    }

    private IRebuildJobGrain Job() => fixture.Cluster.Client.GetGrain<IRebuildJobGrain>(GrainKeys.RebuildJob("rb_" + Guid.NewGuid().ToString("N")));

    private static async Task<RebuildJobStatus> FinishedAsync(IRebuildJobGrain job)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var status = await job.GetStatusAsync();
            if (status is { State: RebuildJobState.Done or RebuildJobState.Failed })
            {
                return status;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {Patience.TotalSeconds}s waiting for the rebuild job to finish; last status: {status}.");
            }

            await Task.Delay(20);
        }
    }
}
