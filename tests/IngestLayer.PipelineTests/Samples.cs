using System.Text;
using IngestLayer.Contracts;
using IngestLayer.Pipelines;

namespace IngestLayer.PipelineTests;

/// <summary>The events, users and accounts the filter and template tables run over.</summary>
internal static class Samples
{
    public static readonly DateTimeOffset At = new(2026, 11, 30, 9, 30, 0, TimeSpan.Zero);

    public const string Properties = """
        {"$current_url":"https://app.example.com/docs/start","url":"/settings/billing","count":3,"price":"19.5",
         "beta":true,"tags":["a","b",2],"plan":null,"nested":{"k":"v","n":{"deep":1}},"items":["x","y"],
         "esc":"caf\u00e9 \"q\"","big":12.5,"flag":"true"}
        """;

    public static readonly FilterUser Ada = new("u1", "ada@example.com", "Ada", new Dictionary<string, string> { ["role"] = "admin", ["seats"] = "12" });

    public static readonly FilterAccount AdaCo = new("ada-co", "Ada Co", "free", "ada@vendor.com", "#ada-alerts", 35, new Dictionary<string, string> { ["region"] = "eu" });

    public static IngestEvent Event(string? feature = "export", string properties = Properties, string name = "feature.used", EventKind kind = EventKind.Track) => new()
    {
        Workspace = "default",
        Source = "test",
        MessageId = "m1",
        Kind = kind,
        Name = name,
        UserId = "u1",
        AccountId = "ada-co",
        Feature = feature,
        Timestamp = At,
        ReceivedAt = At,
        Properties = Encoding.UTF8.GetBytes(properties),
        Traits = new Dictionary<string, string> { ["plan"] = "pro" },
    };

    /// <summary>The full context: an event with properties, its user and its account.</summary>
    public static FilterContext Full() => new(Event(), Ada, AdaCo);

    /// <summary>An anonymous page view with no feature, no properties, no user id and no enrichment.</summary>
    public static FilterContext Bare() => new(new IngestEvent
    {
        Kind = EventKind.Page,
        Name = "$pageview",
        AnonymousId = "anon-1",
        Timestamp = At,
    });
}
