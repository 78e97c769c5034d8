namespace IngestLayer.Slack;

/// <summary>The envelope every Slack Web API method answers with.</summary>
internal sealed record SlackApiResponse(
    bool Ok,
    string? Error = null,
    string? Ts = null,
    string? Channel = null,
    string? Warning = null,
    SlackResponseMetadata? ResponseMetadata = null);

/// <summary>Slack's explanations of an error or warning, e.g. which block was invalid.</summary>
internal sealed record SlackResponseMetadata(IReadOnlyList<string>? Messages = null, IReadOnlyList<string>? Warnings = null);
