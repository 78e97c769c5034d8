namespace IngestLayer.Slack;

/// <summary>What every Slack Web API answer carries: <c>ok</c>, and on failure <c>error</c>.</summary>
internal interface ISlackEnvelope
{
    bool Ok { get; }

    string? Error { get; }

    string? Warning { get; }

    SlackResponseMetadata? ResponseMetadata { get; }
}

/// <summary>The envelope every Slack Web API method answers with.</summary>
internal sealed record SlackApiResponse(
    bool Ok,
    string? Error = null,
    string? Ts = null,
    string? Channel = null,
    string? Warning = null,
    SlackResponseMetadata? ResponseMetadata = null) : ISlackEnvelope;

/// <summary>Slack's explanations of an error or warning, e.g. which block was invalid, and the cursor of paginated methods.</summary>
internal sealed record SlackResponseMetadata(IReadOnlyList<string>? Messages = null, IReadOnlyList<string>? Warnings = null, string? NextCursor = null);
