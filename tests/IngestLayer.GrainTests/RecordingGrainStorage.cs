using System.Collections.Concurrent;
using IngestLayer.Grains;
using Orleans.Storage;

namespace IngestLayer.GrainTests;

/// <summary>
/// Grain storage that records each write (which grain, and how many events an account state had applied when it
/// was written), so a test sees when grains write, without a database; and keeps the last state object written,
/// by reference, so a grain deactivated after its final write comes back with it.
/// </summary>
public sealed class RecordingGrainStorage : IGrainStorage
{
    private readonly ConcurrentQueue<(string Key, long EventsApplied)> _writes = new();
    private readonly ConcurrentDictionary<(string StateName, GrainId GrainId), object> _states = new();

    public IReadOnlyList<long> WritesOf(string grainKey) => [.. _writes.Where(w => w.Key == grainKey).Select(w => w.EventsApplied)];

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_states.TryGetValue((stateName, grainId), out var state))
        {
            grainState.State = (T)state;
            grainState.RecordExists = true;
            grainState.ETag = Guid.NewGuid().ToString("N");
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _writes.Enqueue((grainId.Key.ToString()!, grainState.State is AccountState account ? account.EventsApplied : -1));
        _states[(stateName, grainId)] = grainState.State!;
        grainState.ETag = Guid.NewGuid().ToString("N");
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;
}
