namespace IngestLayer.Grains.Signals;

/// <summary>
/// Edge-trigger and cooldown state of one signal on one account. A signal fires when its condition
/// goes from false to true (not while it stays true), and not again within the cooldown of its last firing.
/// </summary>
[GenerateSerializer, Alias("IngestLayer.SignalLatch")]
public sealed class SignalLatch
{
    /// <summary>Whether the condition held at the last evaluation; the signal re-arms when it stops holding.</summary>
    [Id(0)] public bool Raised { get; private set; }

    [Id(1)] public DateTimeOffset? LastFiredAt { get; private set; }

    /// <summary>Crossings that happened inside the cooldown and so did not fire.</summary>
    [Id(2)] public int Suppressed { get; private set; }

    /// <summary>How many times it has fired: names the alerts of rules that no single event crosses.</summary>
    [Id(3)] public int Fired { get; private set; }

    /// <summary>Feeds the condition's current value; returns true when the signal should fire now.</summary>
    public bool Evaluate(bool conditionHolds, DateTimeOffset now, TimeSpan cooldown)
    {
        if (!conditionHolds)
        {
            Raised = false;
            return false;
        }

        if (Raised)
        {
            return false;
        }

        Raised = true;
        if (LastFiredAt is { } last && now - last < cooldown)
        {
            Suppressed++;
            return false;
        }

        LastFiredAt = now;
        Fired++;
        return true;
    }
}
