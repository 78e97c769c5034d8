using System.Text.Json.Serialization;

namespace IngestLayer.Slack;

/// <summary>Source-generated JSON for the Slack wire types, in Slack's snake_case, omitting nulls.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SlackMessage))]
[JsonSerializable(typeof(SlackApiResponse))]
[JsonSerializable(typeof(SlackCommandResponse))]
[JsonSerializable(typeof(SlackMessageUpdate))]
[JsonSerializable(typeof(AlertReference))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonArray))]
[JsonSerializable(typeof(SlackOAuthResponse))]
[JsonSerializable(typeof(SlackConversationsResponse))]
[JsonSerializable(typeof(SlackJoinRequest))]
[JsonSerializable(typeof(SlackJoinResponse))]
internal sealed partial class SlackJsonContext : JsonSerializerContext;
