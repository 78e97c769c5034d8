namespace IngestLayer.Testing;

/// <summary>One request to the <see cref="FakeSlack"/>, accepted or not, and how it was answered.</summary>
/// <param name="Method">The Web API method, e.g. <c>chat.postMessage</c>.</param>
/// <param name="ReceivedAt">When the fake received it (wall clock).</param>
/// <param name="BearerToken">The token from the <c>Authorization</c> header, or null when there was none.</param>
/// <param name="ContentType">The request's <c>Content-Type</c> header.</param>
/// <param name="Channel">The <c>channel</c> argument, when there was one.</param>
/// <param name="StatusCode">The HTTP status answered.</param>
/// <param name="Error">Slack's <c>error</c> for <c>ok:false</c> answers (and 404 <c>unknown_method</c>), else null.</param>
public sealed record FakeSlackCall(
    string Method,
    DateTimeOffset ReceivedAt,
    string? BearerToken,
    string? ContentType,
    string? Channel,
    int StatusCode,
    string? Error);
