using System.Collections.Concurrent;
using IngestLayer.Grains;
using Orleans.Storage;

namespace IngestLayer.GrainTests;

/// <summary>
/// Grain storage that keeps nothing but a record of each write: which grain, and how many events an account
/// state had applied when it was written. Lets a test see when grains write, without a database.
/// </summary>
public sealed class RecordingGrainStorage : IGrainStorage
{
    private readonly ConcurrentQueue<(string Key, long EventsApplied)> _writes = new();

    public IReadOnlyList<long> WritesOf(string grainKey) => [.. _writes.Where(w => w.Key == grainKey).Select(w => w.EventsApplied)];

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _writes.Enqueue((grainId.Key.ToString()!, grainState.State is AccountState account ? account.EventsApplied : -1));
        grainState.ETag = Guid.NewGuid().ToString("N");
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;
}
