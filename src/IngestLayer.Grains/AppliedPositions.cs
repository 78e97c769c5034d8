namespace IngestLayer.Grains;

/// <summary>
/// How far into the durable event log a grain has applied, per origin (the host whose dispatcher sent the
/// events). Dispatch is at-least-once, so after a crash a grain may be handed events its snapshot already
/// holds; this is what makes applying them idempotent. Each host appends through one writer and
/// dispatches in log order, so positions from one origin only grow, while two hosts' positions interleave;
/// hence one watermark per origin rather than one per grain.
/// </summary>
[GenerateSerializer, Alias("IngestLayer.AppliedPositions")]
public sealed class AppliedPositions
{
    [Id(0)] private readonly Dictionary<string, long> _through = new(StringComparer.Ordinal);

    /// <summary>
    /// Records that the event at <paramref name="position"/> from <paramref name="origin"/> is being applied,
    /// and returns false if it was applied before. Position 0 (the embedded in-memory log assigns none) and a
    /// missing origin are always new.
    /// </summary>
    public bool Advance(string? origin, long position)
    {
        if (position <= 0 || origin is null)
        {
            return true;
        }

        if (_through.TryGetValue(origin, out var through) && position <= through)
        {
            return false;
        }

        _through[origin] = position;
        return true;
    }

    /// <summary>Raises each origin's watermark to at least <paramref name="other"/>'s.</summary>
    public void Include(AppliedPositions other)
    {
        foreach (var (origin, through) in other._through)
        {
            if (!_through.TryGetValue(origin, out var mine) || mine < through)
            {
                _through[origin] = through;
            }
        }
    }

    /// <summary>The newest position applied from <paramref name="origin"/>, 0 when none.</summary>
    public long Through(string origin) => _through.GetValueOrDefault(origin);
}
