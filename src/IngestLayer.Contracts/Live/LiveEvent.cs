namespace IngestLayer.Contracts.Live;

/// <summary>
/// One applied event as the live feeds show it. <see cref="PropertiesJson"/> is null when the properties were over
/// <see cref="LiveStreams.MaxPropertiesBytes"/> (<see cref="PropertiesTruncated"/>): the feed is for watching, the
/// event log keeps them whole.
/// </summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.LiveEvent")]
public sealed record LiveEvent
{
    [Id(0)] public string Name { get; init; } = "";
    [Id(1)] public EventKind Kind { get; init; }
    [Id(2)] public string? Feature { get; init; }
    [Id(3)] public int Count { get; init; } = 1;
    [Id(4)] public string? UserId { get; init; }
    [Id(5)] public string? AnonymousId { get; init; }
    [Id(6)] public DateTimeOffset Timestamp { get; init; }
    [Id(7)] public string MessageId { get; init; } = "";
    [Id(8)] public string? Plan { get; init; }
    [Id(9)] public IReadOnlyDictionary<string, string>? Traits { get; init; }
    [Id(10)] public string? PropertiesJson { get; init; }
    [Id(11)] public bool PropertiesTruncated { get; init; }

    /// <summary>The live form of <paramref name="e"/>, with its properties kept when they fit.</summary>
    public static LiveEvent From(IngestEvent e)
    {
        var fits = e.Properties.Length <= LiveStreams.MaxPropertiesBytes;
        return new LiveEvent
        {
            Name = e.Name,
            Kind = e.Kind,
            Feature = e.Feature,
            Count = e.Count,
            UserId = e.UserId,
            AnonymousId = e.AnonymousId,
            Timestamp = e.Timestamp,
            MessageId = e.MessageId,
            Plan = e.Plan,
            Traits = e.Traits,
            PropertiesJson = fits ? e.PropertiesJson : null,
            PropertiesTruncated = !fits,
        };
    }
}
