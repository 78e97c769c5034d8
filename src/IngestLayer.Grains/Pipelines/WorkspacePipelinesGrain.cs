using IngestLayer.Contracts;
using IngestLayer.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace IngestLayer.Grains.Pipelines;

/// <summary>
/// One workspace's pipelines and named lists: the single writer (one activation in the cluster, non-reentrant, so
/// versions never race between hosts) and the source every silo's <see cref="PipelineCache"/> refreshes from.
/// </summary>
public sealed class WorkspacePipelinesGrain(
    IPipelineStore pipelines,
    INamedListStore lists,
    PipelineCache cache,
    [FromKeyedServices(AppClock.Key)] TimeProvider time) : Grain, IWorkspacePipelinesGrain
{
    private readonly Dictionary<string, (long Matched, long FilteredOut)> _counts = new(StringComparer.Ordinal);
    private PipelineSet? _current;
    private DateTimeOffset _countingSince;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _countingSince = time.GetUtcNow();
        return Task.CompletedTask;
    }

    private string Workspace => this.GetPrimaryKeyString();

    public async Task<PipelineSet> GetAsync() => _current ??= await LoadAsync();

    public Task<SaveResult<PipelineDefinition>> SaveAsync(PipelineDefinition pipeline, WriteMode mode, int? expectedVersion) =>
        WriteAsync(() => pipelines.SaveAsync(Workspace, pipeline, mode, expectedVersion, time.GetUtcNow(), CancellationToken.None));

    public Task<SaveResult<PipelineDefinition>> DeleteAsync(string pipelineId) =>
        WriteAsync(() => pipelines.DeleteAsync(Workspace, pipelineId, time.GetUtcNow(), CancellationToken.None));

    // An upload replaces the list whatever its version: a create that finds one live becomes a replace.
    public Task<SaveResult<NamedListDefinition>> SaveListAsync(NamedListDefinition list) => WriteAsync(async () =>
    {
        var created = await lists.SaveAsync(Workspace, list, WriteMode.Create, null, time.GetUtcNow(), CancellationToken.None);
        return created.Outcome == SaveOutcome.AlreadyExists
            ? await lists.SaveAsync(Workspace, list, WriteMode.Replace, null, time.GetUtcNow(), CancellationToken.None)
            : created;
    });

    public Task<SaveResult<NamedListDefinition>> DeleteListAsync(string name) =>
        WriteAsync(() => lists.DeleteAsync(Workspace, name, time.GetUtcNow(), CancellationToken.None));

    public Task ReportAsync(IReadOnlyList<PipelineCountDelta> deltas)
    {
        foreach (var delta in deltas)
        {
            var (matched, filtered) = _counts.GetValueOrDefault(delta.PipelineId);
            _counts[delta.PipelineId] = (matched + delta.Matched, filtered + delta.FilteredOut);
        }

        return Task.CompletedTask;
    }

    public Task<PipelineCounts> GetCountsAsync(string pipelineId)
    {
        var (matched, filtered) = _counts.GetValueOrDefault(pipelineId);
        return Task.FromResult(new PipelineCounts(matched, filtered, _countingSince));
    }

    private async Task<SaveResult<T>> WriteAsync<T>(Func<ValueTask<SaveResult<T>>> write)
    {
        var result = await write();
        if (result.Outcome == SaveOutcome.Saved)
        {
            _current = await LoadAsync();
            cache.Update(Workspace, _current);
        }

        return result;
    }

    private async Task<PipelineSet> LoadAsync() => new(
        await pipelines.ListAsync(Workspace, CancellationToken.None) ?? [],
        await lists.ListAsync(Workspace, CancellationToken.None) ?? []);
}
