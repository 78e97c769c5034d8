namespace IngestLayer.Contracts;

/// <summary>A user grain's live state as the ops API shows it.</summary>
[GenerateSerializer, Immutable, Alias("IngestLayer.UserSnapshot")]
public sealed record UserSnapshot
{
    [Id(0)] public string Workspace { get; init; } = "";
    [Id(1)] public string UserId { get; init; } = "";
    [Id(2)] public string? Email { get; init; }
    [Id(3)] public string? Name { get; init; }
    [Id(4)] public IReadOnlyDictionary<string, string> Traits { get; init; } = new Dictionary<string, string>();
    /// <summary>The account events without an explicit account are attributed to (the latest membership).</summary>
    [Id(5)] public string? AccountId { get; init; }
    /// <summary>Every account the user is known to belong to.</summary>
    [Id(6)] public IReadOnlyList<string> Accounts { get; init; } = [];
    [Id(7)] public IReadOnlyDictionary<string, WindowCounts> Features { get; init; } = new Dictionary<string, WindowCounts>();
    [Id(8)] public IReadOnlyDictionary<string, WindowCounts> Events { get; init; } = new Dictionary<string, WindowCounts>();
    [Id(9)] public DateTimeOffset? FirstSeen { get; init; }
    [Id(10)] public DateTimeOffset? LastSeen { get; init; }
    [Id(11)] public long EventsApplied { get; init; }
    [Id(12)] public IReadOnlyList<string> PreviousIds { get; init; } = [];
    [Id(13)] public DateTimeOffset AsOf { get; init; }
}
