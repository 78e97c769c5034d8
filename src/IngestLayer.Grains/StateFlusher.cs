namespace IngestLayer.Grains;

/// <summary>
/// Writes a grain's state at most once per <see cref="Interval"/> when it changed, and on deactivation.
/// A write per batch would serialise the whole state on every request; the event log, not the grain
/// snapshot, is what makes an accepted event safe.
/// </summary>
internal sealed class StateFlusher
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private bool _dirty;

    public void MarkDirty() => _dirty = true;

    public void Start<TState>(Grain grain, IPersistentState<TState> state) =>
        grain.RegisterGrainTimer(
            static (s, _) => s.Flusher.FlushAsync(s.State),
            (Flusher: this, State: state),
            new GrainTimerCreationOptions { DueTime = Interval, Period = Interval, Interleave = false, KeepAlive = false });

    public async Task FlushAsync<TState>(IPersistentState<TState> state)
    {
        if (!_dirty)
        {
            return;
        }

        _dirty = false;
        await state.WriteStateAsync();
    }
}
