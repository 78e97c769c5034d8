using IngestLayer.Contracts;
using IngestLayer.Storage;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace IngestLayer.Grains.Rules;

/// <summary>
/// Reads the event log in position order and feeds one workspace's events to a <see cref="Backtester"/>. A
/// stateless worker, so a backtest runs on the silo that was asked, beside other requests, and touches no account grain.
/// </summary>
[StatelessWorker(1)]
public sealed class BacktestGrain(IEventLog log, IOwnerStore owners, IOptions<RulesOptions> rules, IOptions<GrainStateOptions> mode) : Grain, IBacktestGrain
{
    /// <summary>Stored events one backtest reads at most; beyond it the result says it was truncated.</summary>
    public const int MaxEvents = 2_000_000;

    private const int Page = 10_000;

    public async Task<BacktestResult?> RunAsync(BacktestRequest request)
    {
        if (!mode.Value.DurableStorage)
        {
            return null; // embedded mode's log deduplicates but keeps no event bodies
        }

        var assignments = new Dictionary<string, OwnerAssignment?>(StringComparer.Ordinal);
        var backtest = new Backtester(request, rules.Value.ScheduleInterval, account => assignments.GetValueOrDefault(account));
        long after = 0, scanned = 0;
        while (true)
        {
            var read = 0;
            await foreach (var e in log.ReadAsync(after, null, Page, CancellationToken.None))
            {
                read++;
                after = e.Position;
                if (e.Workspace == request.Workspace && e.AccountId is { } account && !assignments.ContainsKey(account))
                {
                    // Looked up once per account, before its first event is applied: the book of business names its channel.
                    var owner = await owners.GetAsync(request.Workspace, account, CancellationToken.None);
                    assignments[account] = owner is null ? null : new OwnerAssignment(owner.Owner, owner.SlackChannel);
                }

                backtest.Apply(e);
            }

            scanned += read;
            if (read < Page)
            {
                return backtest.Finish(scanned, truncated: false);
            }

            if (scanned >= MaxEvents)
            {
                return backtest.Finish(scanned, truncated: true);
            }
        }
    }
}
