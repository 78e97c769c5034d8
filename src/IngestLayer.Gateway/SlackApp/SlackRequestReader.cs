using System.Text;
using IngestLayer.Gateway.Endpoints;
using IngestLayer.Slack;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.SlackApp;

/// <summary>
/// Reads a request Slack sent to the app (a slash command, a button click): the raw body once, its signature verified
/// over exactly those bytes, then the form fields. Anything else ends as a problem: 404 while <c>Slack:SigningSecret</c>
/// is not set, 401 for a missing, stale or forged signature (saying which, never what was expected), 413, 415.
/// </summary>
public sealed class SlackRequestReader(SlackSignatureVerifier verifier, IOptionsMonitor<SlackOptions> options)
{
    /// <summary>An interaction payload carries the whole message it came from: up to 50 blocks, form-encoded.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public async Task<SlackRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Before reading anything: without the secret nothing could be verified, and the endpoint is off.
        if (!options.CurrentValue.HasSigningSecret)
        {
            return new(null, Problems.NotFound("The Slack app is not configured: set Slack:SigningSecret (the app's signing secret) to accept Slack's requests."));
        }

        using var body = await RequestBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body.TooLarge)
        {
            return new(null, Problems.TooLarge($"A Slack request body is at most {MaxBodyBytes} bytes."));
        }

        if (body.Error is { } error)
        {
            return new(null, Problems.BadRequest("Unreadable body", error));
        }

        var check = verifier.Verify(
            request.Headers[SlackSignatureVerifier.TimestampHeader].ToString(),
            request.Headers[SlackSignatureVerifier.SignatureHeader].ToString(),
            body.Memory.Span);
        switch (check)
        {
            case SlackSignatureCheck.Valid:
                break;
            case SlackSignatureCheck.Missing:
                return new(null, Problems.Unauthorized($"The request is not signed: Slack sends {SlackSignatureVerifier.SignatureHeader} and {SlackSignatureVerifier.TimestampHeader}."));
            case SlackSignatureCheck.Stale:
                return new(null, Problems.Unauthorized($"{SlackSignatureVerifier.TimestampHeader} is more than 5 minutes from now; the request is refused as a possible replay."));
            case SlackSignatureCheck.NotConfigured:
                return new(null, Problems.NotFound("The Slack app is not configured: set Slack:SigningSecret (the app's signing secret) to accept Slack's requests."));
            default:
                return new(null, Problems.Unauthorized($"The {SlackSignatureVerifier.SignatureHeader} signature does not match the request."));
        }

        if (!request.HasFormContentType)
        {
            return new(null, Problems.UnsupportedMediaType("Slack sends commands and interactions as application/x-www-form-urlencoded."));
        }

        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body.Memory.Span));
        return new(form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal), null);
    }
}

/// <summary>A verified Slack request's form fields, or the problem that ended it.</summary>
public sealed record SlackRequest(IReadOnlyDictionary<string, string>? Form, ProblemHttpResult? Problem)
{
    public string Field(string name) => Form is not null && Form.TryGetValue(name, out var value) ? value : "";
}
