using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IngestLayer.Grains;

/// <summary>
/// Writes a grain's state when it changed: when the grain deactivates and, in durable mode, on a timer while
/// it is active. Not after every batch: that would serialise the whole state on every call, and the event log,
/// not this snapshot, is what makes an accepted event safe. At most one write per grain turn: the timer does
/// not interleave with the grain's calls (grains stay non-reentrant), so writes never race on the etag.
/// </summary>
internal sealed class StateFlusher
{
    private bool _dirty;
    private bool _durable;

    public void MarkDirty() => _dirty = true;

    /// <summary>Whether the host runs in durable mode (known once <see cref="Start"/> has run).</summary>
    public bool Durable => _durable;

    /// <summary>Call from <c>OnActivateAsync</c>: reads the mode and, in durable mode, starts the flush timer.</summary>
    public void Start<TState>(IGrainBase grain, IPersistentState<TState> state)
    {
        var options = grain.GrainContext.ActivationServices.GetRequiredService<IOptions<GrainStateOptions>>().Value;
        _durable = options.DurableStorage;
        if (!_durable)
        {
            return;
        }

        // The first tick falls somewhere in [0.5, 1.5) intervals: grains activated together (a host start, a
        // failover) would otherwise all write in the same instant, every interval.
        var firstTick = options.FlushInterval * (0.5 + Random.Shared.NextDouble());
        grain.RegisterGrainTimer(
            _ => WriteIfDirtyAsync(state),
            new GrainTimerCreationOptions(firstTick, options.FlushInterval) { Interleave = false, KeepAlive = false });
    }

    public Task FlushAsync<TState>(IPersistentState<TState> state, DeactivationReason reason)
    {
        // In embedded mode a silo shutting down takes in-memory storage with it: nothing to write to.
        // In durable mode this write is what lets another host take the grain over with its state.
        if (!_durable && reason.ReasonCode == DeactivationReasonCode.ShuttingDown)
        {
            return Task.CompletedTask;
        }

        return WriteIfDirtyAsync(state);
    }

    /// <summary>Writes the state now if it changed since the last write.</summary>
    public async Task WriteIfDirtyAsync<TState>(IPersistentState<TState> state)
    {
        if (!_dirty)
        {
            return;
        }

        await state.WriteStateAsync();
        // Cleared only once written: a failed write (database away) is tried again on the next tick or at deactivation.
        _dirty = false;
    }
}
