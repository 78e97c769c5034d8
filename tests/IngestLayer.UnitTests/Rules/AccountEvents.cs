using IngestLayer.Contracts;

namespace IngestLayer.UnitTests.Rules;

/// <summary>Events of the account <c>acme</c> in the default workspace, each with a message id of its own.</summary>
internal sealed class AccountEvents
{
    private int _messages;

    public IngestEvent Track(string name, DateTimeOffset at, string? feature = null, string user = "ada", int count = 1) => new()
    {
        Workspace = "default",
        Source = "web",
        MessageId = "m" + ++_messages,
        Kind = EventKind.Track,
        Name = name,
        UserId = user,
        AccountId = "acme",
        Timestamp = at,
        ReceivedAt = at,
        Feature = feature,
        Count = count,
    };

    public IngestEvent Group(DateTimeOffset at, params (string Key, string Value)[] traits) => new()
    {
        Workspace = "default",
        Source = "web",
        MessageId = "m" + ++_messages,
        Kind = EventKind.Group,
        Name = "$group",
        UserId = "ada",
        AccountId = "acme",
        Timestamp = at,
        ReceivedAt = at,
        Traits = traits.ToDictionary(t => t.Key, t => t.Value),
    };
}
