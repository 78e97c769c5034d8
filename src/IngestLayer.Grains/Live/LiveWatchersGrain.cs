using IngestLayer.Contracts.Live;
using Microsoft.Extensions.DependencyInjection;

namespace IngestLayer.Grains.Live;

/// <summary>
/// The cluster's watched live feeds (<see cref="ILiveWatchersGrain"/>): leases in memory, expired ones pruned on
/// every call. A new activation (after its silo died) starts a new epoch, so every silo's copy is replaced.
/// </summary>
public sealed class LiveWatchersGrain([FromKeyedServices(AppClock.Key)] TimeProvider time) : Grain, ILiveWatchersGrain
{
    private readonly Dictionary<Guid, (string Key, DateTimeOffset Until)> _watches = [];
    private readonly Guid _epoch = Guid.NewGuid();
    private LiveWatchSet _set = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _set = new LiveWatchSet(_epoch, 0, []);
        return Task.CompletedTask;
    }

    public Task<LiveWatchSet> WatchAsync(string watchKey, Guid subscriber, TimeSpan lease)
    {
        var added = !_watches.TryGetValue(subscriber, out var previous) || previous.Key != watchKey;
        _watches[subscriber] = (watchKey, time.GetUtcNow() + lease);
        Prune(changed: added);
        return Task.FromResult(_set);
    }

    public Task<LiveWatchSet> UnwatchAsync(Guid subscriber)
    {
        Prune(changed: _watches.Remove(subscriber));
        return Task.FromResult(_set);
    }

    public Task<LiveWatchSet?> GetIfChangedAsync(Guid epoch, long version)
    {
        Prune(changed: false);
        return Task.FromResult(epoch == _set.Epoch && version == _set.Version ? null : _set);
    }

    private void Prune(bool changed)
    {
        var now = time.GetUtcNow();
        foreach (var (subscriber, watch) in _watches)
        {
            if (watch.Until <= now)
            {
                _watches.Remove(subscriber);
                changed = true;
            }
        }

        if (changed)
        {
            _set = new LiveWatchSet(_epoch, _set.Version + 1, [.. _watches.Values.Select(w => w.Key).Distinct(StringComparer.Ordinal)]);
        }
    }
}
