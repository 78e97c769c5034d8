using IngestLayer.Contracts;

namespace IngestLayer.GrainTests;

/// <summary>Builds events as the gateway would, with ids unique per test run.</summary>
internal sealed class GrainTestEvents(DateTimeOffset now)
{
    private static int _messages;

    public static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    public IngestEvent Track(string user, string name, string? account = null, string? feature = null, DateTimeOffset? at = null) => New(EventKind.Track, user) with
    {
        Name = name,
        AccountId = account,
        Feature = feature,
        Timestamp = at ?? now,
    };

    public IngestEvent Group(string user, string account, params (string Key, string Value)[] traits) => New(EventKind.Group, user) with
    {
        Name = "$group",
        AccountId = account,
        Traits = traits.ToDictionary(t => t.Key, t => t.Value),
    };

    public IngestEvent Identify(string user, params (string Key, string Value)[] traits) => New(EventKind.Identify, user) with
    {
        Name = "$identify",
        Traits = traits.ToDictionary(t => t.Key, t => t.Value),
    };

    private IngestEvent New(EventKind kind, string user) => new()
    {
        Workspace = "default",
        Source = "test",
        MessageId = "m" + Interlocked.Increment(ref _messages),
        Kind = kind,
        UserId = user,
        Timestamp = now,
        ReceivedAt = now,
    };
}
