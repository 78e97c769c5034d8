using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.Slack;

/// <summary>
/// <c>oauth.v2.access</c> at <c>Slack:ApiBaseUrl</c>: exchanging an install's code, and refreshing a rotating token.
/// The app's client id and secret go as HTTP Basic, as Slack recommends. Not retried in the call: a code is single
/// use and a refresh token is replaced by its refresh, so a retry after a lost answer would fail anyway.
/// </summary>
public sealed partial class SlackOAuthClient(HttpClient http, IOptionsMonitor<SlackOptions> options, ILogger<SlackOAuthClient> logger)
{
    /// <summary>Exchanges an install's <paramref name="code"/> for the bot's tokens.</summary>
    public Task<SlackOAuthResult> ExchangeCodeAsync(string code, CancellationToken cancellationToken) =>
        CallAsync("authorization_code",
        [
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", options.CurrentValue.RedirectUri ?? ""),
        ], cancellationToken);

    /// <summary>Exchanges a rotating installation's <paramref name="refreshToken"/> for a new bot token and refresh token.</summary>
    public Task<SlackOAuthResult> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        CallAsync("refresh_token",
        [
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
        ], cancellationToken);

    private async Task<SlackOAuthResult> CallAsync(string grant, KeyValuePair<string, string>[] form, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(settings.ApiBaseUrl), "oauth.v2.access"))
        {
            Content = new FormUrlEncodedContent(form),
        };

        // RFC 6749 2.3.1: both parts form-encoded before the Basic encoding.
        var credentials = $"{Uri.EscapeDataString(settings.ClientId ?? "")}:{Uri.EscapeDataString(settings.ClientSecret ?? "")}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.BadRequest)
            {
                var status = (int)response.StatusCode;
                LogFailed(grant, $"HTTP {status}");
                return new SlackOAuthResult.Failed($"http_{status}", SlackFailed: true);
            }

            SlackOAuthResponse? body;
            try
            {
                body = await response.Content.ReadFromJsonAsync(SlackJsonContext.Default.SlackOAuthResponse, cancellationToken);
            }
            catch (JsonException)
            {
                body = null;
            }

            if (body is null)
            {
                LogFailed(grant, "a body that is not Slack JSON");
                return new SlackOAuthResult.Failed("invalid_response", SlackFailed: true);
            }

            if (!body.Ok)
            {
                // A 400 in OAuth's own shape ({"error":"invalid_grant"}) lands here too, as a refusal.
                var error = body.Error is { Length: > 0 } e ? e : "unknown_error";
                LogFailed(grant, error);
                return new SlackOAuthResult.Failed(error, SlackFailed: SlackClient.TransientErrors.Contains(error));
            }

            if (string.IsNullOrEmpty(body.AccessToken) || body.TokenType is not (null or "bot") || string.IsNullOrEmpty(body.Team?.Id))
            {
                LogFailed(grant, $"an answer without a bot token or team (token_type {body.TokenType})");
                return new SlackOAuthResult.Failed("no_bot_token", SlackFailed: true);
            }

            LogSucceeded(grant, body.Team.Id, body.Scope, body.ExpiresIn);
            return new SlackOAuthResult.Granted(new SlackOAuthGrant(
                body.AccessToken,
                body.RefreshToken is { Length: > 0 } refresh ? refresh : null,
                body.ExpiresIn is > 0 ? TimeSpan.FromSeconds(body.ExpiresIn.Value) : null,
                body.Scope ?? "",
                body.Team.Id,
                body.Team.Name ?? body.Team.Id,
                body.BotUserId,
                body.AppId));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TaskCanceledException)
        {
            LogFailed(grant, "timed out");
            return new SlackOAuthResult.Failed("timeout", SlackFailed: true);
        }
        catch (HttpRequestException ex)
        {
            LogFailed(grant, $"network error ({ex.HttpRequestError})");
            return new SlackOAuthResult.Failed("network_error", SlackFailed: true);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack oauth.v2.access ({Grant}) failed: {Reason}")]
    private partial void LogFailed(string grant, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack oauth.v2.access ({Grant}) granted team {TeamId} scopes {Scopes}, expires in {ExpiresIn} s")]
    private partial void LogSucceeded(string grant, string teamId, string? scopes, int? expiresIn);
}

/// <summary>How an <c>oauth.v2.access</c> call ended.</summary>
public abstract record SlackOAuthResult
{
    private SlackOAuthResult()
    {
    }

    /// <summary>Slack granted the tokens.</summary>
    public sealed record Granted(SlackOAuthGrant Grant) : SlackOAuthResult;

    /// <summary>
    /// Slack refused (<c>invalid_code</c>, <c>bad_client_secret</c>, <c>invalid_refresh_token</c>, …), or with
    /// <paramref name="SlackFailed"/> Slack itself failed or could not be reached, and a later attempt may succeed.
    /// </summary>
    public sealed record Failed(string Error, bool SlackFailed) : SlackOAuthResult;
}

/// <summary>What <c>oauth.v2.access</c> grants. Holds tokens in clear: keep it out of logs (its ToString leaves them out).</summary>
public sealed record SlackOAuthGrant(
    string BotToken,
    string? RefreshToken,
    TimeSpan? ExpiresIn,
    string Scopes,
    string TeamId,
    string TeamName,
    string? BotUserId,
    string? AppId)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"TeamId = {TeamId}, TeamName = {TeamName}, Scopes = {Scopes}, ExpiresIn = {ExpiresIn}, Rotating = {RefreshToken is not null}");
        return true;
    }
}
