using System.Runtime.InteropServices;
using IngestLayer.Contracts;
using IngestLayer.Grains.Health;
using IngestLayer.Pipelines;
using IngestLayer.Pipelines.Runtime;

namespace IngestLayer.Grains.Pipelines;

/// <summary>
/// Runs a workspace's pipelines over the events one account grain just applied. The account is enriched from the
/// grain's own state (no call); a user from its user grain, once per user per batch, and only for events that
/// reached an <c>enrich: user</c> step. The user grain never calls account grains, so the call cannot deadlock.
/// </summary>
internal sealed class AccountPipelineRun(IGrainFactory grains, string workspace, string accountId, AccountState state, DateTimeOffset now, PipelineCounters counters)
    : IPipelineEnrichment
{
    private FilterAccount? _account;
    private Dictionary<string, FilterUser?>? _users;

    /// <summary>The deliveries the batch's events cause, or null when there are none (the common batch).</summary>
    public async Task<List<Alert>?> RunAsync(CompiledPipelines pipelines, IngestEvent[] events)
    {
        List<Alert>? deliveries = null;
        FilterContext? context = null;

        // Counted here per batch and handed to the silo's counters once: a shared counter per pipeline per event
        // would cost more than the filters.
        Dictionary<CompiledPipeline, (int Matched, int FilteredOut)>? counts = null;
        foreach (var e in events)
        {
            var matched = pipelines.For(e.Name);
            if (matched.Length == 0)
            {
                continue;
            }

            if (context is null)
            {
                context = new FilterContext(e);
            }
            else
            {
                context.Reset(e);
            }

            foreach (var pipeline in matched)
            {
                var dropped = await PipelineEvaluator.RunAsync(pipeline, context, this);
                counts ??= [];
                ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(counts, pipeline, out _);
                count.Matched++;
                if (dropped == PipelineEvaluator.Passed)
                {
                    (deliveries ??= []).AddRange(PipelineDeliveries.Build(pipeline, context, workspace, now));
                }
                else
                {
                    count.FilteredOut++;
                }
            }
        }

        if (counts is not null)
        {
            foreach (var (pipeline, (matched, filteredOut)) in counts)
            {
                counters.Add(workspace, pipeline.Id, matched, filteredOut);
            }
        }

        return deliveries;
    }

    public ValueTask<FilterAccount?> AccountAsync(IngestEvent e) => ValueTask.FromResult<FilterAccount?>(_account ??= new FilterAccount(
        accountId, state.Name, state.Plan, state.Owner, state.SlackChannel, HealthScore.Compute(state, now).Score, state.Traits));

    public async ValueTask<FilterUser?> UserAsync(IngestEvent e)
    {
        if (e.UserId is not { } userId)
        {
            return null;
        }

        _users ??= new Dictionary<string, FilterUser?>(StringComparer.Ordinal);
        if (!_users.TryGetValue(userId, out var user))
        {
            var profile = await grains.GetGrain<IUserGrain>(GrainKeys.User(workspace, userId)).GetProfileAsync();
            _users[userId] = user = profile is null ? null : FilterUser.From(profile);
        }

        return user;
    }
}
