namespace IngestLayer.Gateway;

/// <summary>
/// Grain calls issued a wave at a time (<see cref="DispatchOptions.CallsPerWave"/>): once a wave is full it is
/// awaited, and the caller goes to the back of the thread pool's queue, behind the requests that arrived meanwhile.
/// A call that fails does not stop the waves after it (every other grain still gets its events);
/// <see cref="CompleteAsync"/> throws its failure once all are done, as one <see cref="Task.WhenAll(Task[])"/> did.
/// </summary>
internal sealed class CallWaves(int size)
{
    private readonly List<Task> _wave = new(Math.Min(size, 256));
    private List<Task>? _failed;

    public async ValueTask AddAsync(Task call)
    {
        _wave.Add(call);
        if (_wave.Count >= size)
        {
            await EndWaveAsync();
            await Task.Yield();
        }
    }

    /// <summary>Waits for every call; throws if any failed.</summary>
    public async Task CompleteAsync()
    {
        await EndWaveAsync();
        if (_failed is not null)
        {
            await Task.WhenAll(_failed);
        }
    }

    private async Task EndWaveAsync()
    {
        try
        {
            await Task.WhenAll(_wave);
        }
        catch (Exception)
        {
            // Kept, not thrown yet: the failure is reported by CompleteAsync, after the remaining waves are through.
            (_failed ??= []).AddRange(_wave.Where(t => !t.IsCompletedSuccessfully));
        }

        _wave.Clear();
    }
}
