using System.Text;
using IngestLayer.Contracts;

namespace IngestLayer.UnitTests.Pipelines;

/// <summary>Events and pipeline definitions for the pipeline runtime's unit tests.</summary>
internal static class PipelineTestEvents
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    public static IngestEvent Event(string name, string messageId = "m1", string source = "web", string? feature = null, string? account = "org-1", string properties = "{}") => new()
    {
        Workspace = "ws",
        Source = source,
        MessageId = messageId,
        Kind = name == "$pageview" ? EventKind.Page : EventKind.Track,
        Name = name,
        UserId = "ada",
        AccountId = account,
        Timestamp = T0,
        ReceivedAt = T0,
        Feature = feature,
        Properties = Encoding.UTF8.GetBytes(properties),
    };

    public static PipelineDefinition Pipeline(string id, string[] match, string? filter = null, bool enabled = true, params PipelineDestination[] destinations) => new()
    {
        Id = id,
        Enabled = enabled,
        Match = match,
        Steps = filter is null ? [] : [new PipelineStep { Filter = filter }],
        Destinations = destinations.Length > 0 ? destinations : [new PipelineDestination { Id = "slack-1", Type = PipelineDestinationTypes.Slack, Channel = "#alerts" }],
    };
}
