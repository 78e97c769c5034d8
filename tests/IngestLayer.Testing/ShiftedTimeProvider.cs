namespace IngestLayer.Testing;

/// <summary>
/// The system clock moved by an offset a test can advance: timers and delays still run in real time (unlike a frozen
/// fake clock, a host's loops keep going), while whoever reads the time sees it days later.
/// </summary>
public sealed class ShiftedTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
