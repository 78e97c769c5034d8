namespace IngestLayer.Contracts;

/// <summary>
/// The one canonical record every ingestion format is normalised into. It is what the event log
/// stores and what grains apply; <see cref="Properties"/> keeps the caller's properties whole.
/// </summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.IngestEvent")]
public sealed record IngestEvent
{
    /// <summary>Workspace the source belongs to; every grain key is scoped by it.</summary>
    [Id(0)] public string Workspace { get; init; } = "";
    [Id(1)] public string Source { get; init; } = "";
    /// <summary>Dedupe id, unique per source (Segment <c>messageId</c>, native <c>message_id</c>).</summary>
    [Id(2)] public string MessageId { get; init; } = "";
    [Id(3)] public EventKind Kind { get; init; }
    /// <summary>The event name counters are kept under (<c>feature.used</c>, <c>$pageview</c>, ...).</summary>
    [Id(4)] public string Name { get; init; } = "";
    [Id(5)] public string? UserId { get; init; }
    [Id(6)] public string? AnonymousId { get; init; }
    /// <summary>The account given on the event itself (<c>account_id</c>, Segment <c>groupId</c> or <c>context.groupId</c>).</summary>
    [Id(7)] public string? AccountId { get; init; }
    /// <summary>Event time, after Segment-style clock-skew correction; counters bucket by it.</summary>
    [Id(8)] public DateTimeOffset Timestamp { get; init; }
    [Id(9)] public DateTimeOffset ReceivedAt { get; init; }
    /// <summary>The <c>feature</c> property of <c>feature.used</c>.</summary>
    [Id(10)] public string? Feature { get; init; }
    /// <summary>How many uses the event stands for (the <c>count</c> property; 1 when absent).</summary>
    [Id(11)] public int Count { get; init; } = 1;
    /// <summary>The <c>plan</c> property riding along on a track call, if any.</summary>
    [Id(12)] public string? Plan { get; init; }
    /// <summary>String-valued traits of identify and group calls (email, name, plan, owner, slack_channel, ...).</summary>
    [Id(13)] public IReadOnlyDictionary<string, string>? Traits { get; init; }
    /// <summary>The event's properties (or traits) as the caller sent them: raw UTF-8 JSON, an object.</summary>
    [Id(14)] public ReadOnlyMemory<byte> Properties { get; init; } = EmptyObject;
    /// <summary>Alias calls: the id being merged into <see cref="UserId"/>.</summary>
    [Id(15)] public string? PreviousId { get; init; }
    /// <summary>Position in a durable event log, assigned on append (0 before, and in the embedded in-memory log).</summary>
    [Id(16)] public long Position { get; init; }

    private static readonly ReadOnlyMemory<byte> EmptyObject = "{}"u8.ToArray();

    /// <summary>The properties as JSON text.</summary>
    public string PropertiesJson => System.Text.Encoding.UTF8.GetString(Properties.Span);

    /// <summary>The user grain this event belongs to: the user id, else the anonymous id.</summary>
    public string UserKey => UserId ?? "anon:" + AnonymousId;

    /// <summary>Whether the event is product activity (counts, marks the user active), as opposed to a profile call.</summary>
    public bool IsActivity => Kind is EventKind.Track or EventKind.Page or EventKind.Screen;
}

/// <summary>The Segment call types; native events are <see cref="Track"/>.</summary>
[GenerateSerializer, Alias("IngestLayer.EventKind")]
public enum EventKind
{
    Track = 0,
    Identify = 1,
    Group = 2,
    Page = 3,
    Screen = 4,
    Alias = 5,
}

/// <summary>A batch of one key's events, handed to its grain in one call, in log order.</summary>
/// <param name="Events">The events.</param>
/// <param name="Origin">
/// The host whose dispatcher sent them (durable mode): a grain keeps one applied-position watermark per origin,
/// so a redelivered event is recognised. Null in the embedded mode, whose log assigns no positions.
/// </param>
[GenerateSerializer, Immutable, Alias("IngestLayer.EventBatch")]
public sealed record EventBatch([property: Id(0)] IngestEvent[] Events, [property: Id(1)] string? Origin = null);
