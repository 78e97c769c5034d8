namespace IngestLayer.Grains;

/// <summary>
/// Writes a grain's state when the grain deactivates, if it changed. Not after every batch: that would
/// serialise the whole state on every call, and the event log, not this snapshot, is what makes an
/// accepted event safe.
/// </summary>
internal sealed class StateFlusher
{
    private bool _dirty;

    public void MarkDirty() => _dirty = true;

    /// <summary>Writes the state now if it changed since the last write.</summary>
    public async Task WriteIfDirtyAsync<TState>(IPersistentState<TState> state)
    {
        if (!_dirty)
        {
            return;
        }

        _dirty = false;
        await state.WriteStateAsync();
    }

    public async Task FlushAsync<TState>(IPersistentState<TState> state, DeactivationReason reason)
    {
        // A silo shutting down takes in-memory storage with it; there is nothing to write to.
        if (!_dirty || reason.ReasonCode == DeactivationReasonCode.ShuttingDown)
        {
            return;
        }

        _dirty = false;
        await state.WriteStateAsync();
    }
}
