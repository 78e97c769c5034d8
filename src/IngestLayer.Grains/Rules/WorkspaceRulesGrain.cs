using IngestLayer.Contracts;
using IngestLayer.Grains.Signals;
using IngestLayer.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IngestLayer.Grains.Rules;

/// <summary>
/// One workspace's rules: the single writer (one activation in the cluster, non-reentrant, so versions never
/// race between hosts) and the source every silo's <see cref="RuleCache"/> refreshes from. The store is the
/// record; this grain holds the current set in memory while active.
/// </summary>
public sealed class WorkspaceRulesGrain(
    IRuleStore store,
    IOptions<SignalOptions> signals,
    RuleCache cache,
    [FromKeyedServices(AppClock.Key)] TimeProvider time) : Grain, IWorkspaceRulesGrain
{
    private string _workspace = "";
    private RuleSet? _current;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _workspace = GrainKeys.RulesWorkspace(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task<RuleSet> GetAsync() => _current ??= await LoadAsync();

    public async Task<SaveResult<RuleDefinition>> SaveAsync(RuleDefinition rule, WriteMode mode, int? expectedVersion)
    {
        if (await SeedIfDefaultAsync() && expectedVersion == 0)
        {
            // The caller saw this rule in the default set, shown as version 0; storing the set made it version 1.
            expectedVersion = 1;
        }

        var result = await store.SaveAsync(_workspace, rule, mode, expectedVersion, time.GetUtcNow(), CancellationToken.None);
        await ReloadAsync();
        return result;
    }

    public async Task<SaveResult<RuleDefinition>> DeleteAsync(string ruleId)
    {
        await SeedIfDefaultAsync();
        var result = await store.DeleteAsync(_workspace, ruleId, time.GetUtcNow(), CancellationToken.None);
        await ReloadAsync();
        return result;
    }

    private async Task<RuleSet> LoadAsync()
    {
        var stored = await store.ListAsync(_workspace, CancellationToken.None);
        return stored is null ? new RuleSet(DefaultRules.From(signals.Value), IsDefault: true) : new RuleSet(stored, IsDefault: false);
    }

    // The first change in a workspace stores the default set first, so adding one rule does not drop the others.
    private async Task<bool> SeedIfDefaultAsync()
    {
        var current = await GetAsync();
        if (!current.IsDefault)
        {
            return false;
        }

        foreach (var rule in current.Rules)
        {
            await store.SaveAsync(_workspace, rule, WriteMode.Create, null, time.GetUtcNow(), CancellationToken.None);
        }

        return true;
    }

    private async Task ReloadAsync()
    {
        _current = await LoadAsync();
        cache.Update(_workspace, _current);
    }
}
