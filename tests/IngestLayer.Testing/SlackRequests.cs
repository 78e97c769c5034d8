using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace IngestLayer.Testing;

/// <summary>
/// Builds requests as Slack sends them to an app: a slash command or an interaction payload, form-encoded and signed
/// with the app's signing secret (<c>v0=hex(HMAC-SHA256(secret, "v0:{timestamp}:{body}"))</c>), computed here on its own
/// rather than by the code under test, so a test checks the scheme instead of echoing it.
/// </summary>
public static class SlackRequests
{
    public const string TeamId = "T0FAKESLACK";

    /// <summary>A slash command (<c>/engagement {text}</c>) from user <paramref name="userId"/>.</summary>
    public static HttpRequestMessage Command(
        string path, string signingSecret, string text, string command = "/engagement", string userId = "U0ADA", string userName = "ada",
        DateTimeOffset? signedAt = null, string? signature = null, string teamId = TeamId)
    {
        var body = Form(new Dictionary<string, string>
        {
            ["token"] = "deprecated-verification-token",
            ["team_id"] = teamId,
            ["team_domain"] = "fake",
            ["channel_id"] = "C0000000001",
            ["channel_name"] = "alerts",
            ["user_id"] = userId,
            ["user_name"] = userName,
            ["command"] = command,
            ["text"] = text,
            ["api_app_id"] = "A0FAKEAPP",
            ["response_url"] = "https://hooks.slack.invalid/commands/T0FAKESLACK/1/abc",
            ["trigger_id"] = "1.2.abc",
        });
        return Signed(path, signingSecret, body, signedAt, signature);
    }

    /// <summary>A <c>block_actions</c> interaction: <paramref name="userId"/> clicked the button <paramref name="actionId"/> of a message.</summary>
    public static HttpRequestMessage BlockAction(
        string path, string signingSecret, string actionId, string? value, string channelId, string messageTs, JsonElement? messageBlocks,
        string userId = "U0ADA", string userName = "ada", DateTimeOffset? signedAt = null, string teamId = TeamId)
    {
        var payload = new Dictionary<string, object?>
        {
            ["type"] = "block_actions",
            ["team"] = new { id = teamId, domain = "fake" },
            ["user"] = new { id = userId, username = userName, name = userName, team_id = teamId },
            ["api_app_id"] = "A0FAKEAPP",
            ["container"] = new { type = "message", message_ts = messageTs, channel_id = channelId, is_ephemeral = false },
            ["trigger_id"] = "1.2.abc",
            ["channel"] = new { id = channelId, name = "alerts" },
            ["message"] = new Dictionary<string, object?> { ["type"] = "message", ["ts"] = messageTs, ["text"] = "alert", ["blocks"] = messageBlocks },
            ["response_url"] = "https://hooks.slack.invalid/actions/T0FAKESLACK/1/abc",
            ["actions"] = new[]
            {
                new Dictionary<string, object?>
                {
                    ["type"] = "button", ["action_id"] = actionId, ["block_id"] = "alert_actions", ["value"] = value,
                    ["action_ts"] = "1700000000.000200",
                },
            },
        };
        return Interaction(path, signingSecret, JsonSerializer.Serialize(payload), signedAt);
    }

    /// <summary>An interaction with the given raw <paramref name="payloadJson"/>.</summary>
    public static HttpRequestMessage Interaction(string path, string signingSecret, string payloadJson, DateTimeOffset? signedAt = null) =>
        Signed(path, signingSecret, Form(new Dictionary<string, string> { ["payload"] = payloadJson }), signedAt, null);

    /// <summary>A form-encoded POST of <paramref name="body"/>, signed at <paramref name="signedAt"/> (now) unless <paramref name="signature"/> is given.</summary>
    public static HttpRequestMessage Signed(string path, string signingSecret, string body, DateTimeOffset? signedAt = null, string? signature = null)
    {
        var timestamp = (signedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", signature ?? Sign(signingSecret, timestamp, body));
        return request;
    }

    /// <summary>Slack's signature of <paramref name="body"/> at <paramref name="timestamp"/>.</summary>
    public static string Sign(string signingSecret, string timestamp, string body) =>
        "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), Encoding.UTF8.GetBytes($"v0:{timestamp}:{body}")));

    // Slack encodes spaces as '+', like a browser form.
    private static string Form(IReadOnlyDictionary<string, string> fields) =>
        string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value).Replace("%20", "+", StringComparison.Ordinal)));
}
