using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace IngestLayer.Testing;

/// <summary>The OAuth v2 install as Slack runs it: the authorize step (a user approving) and <c>oauth.v2.access</c>.</summary>
public sealed partial class FakeSlack
{
    private readonly Dictionary<string, IssuedCode> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _refreshTokens = new(StringComparer.Ordinal);
    private readonly List<string> _issuedTokens = [];
    private int _issued;

    /// <summary>The Slack app's client id (for <c>Slack:ClientId</c>).</summary>
    public string ClientId => _options.ClientId;

    /// <summary>The Slack app's client secret (for <c>Slack:ClientSecret</c>).</summary>
    public string ClientSecret => _options.ClientSecret;

    /// <summary>Bot tokens issued by <c>oauth.v2.access</c> (installs and refreshes), oldest first.</summary>
    public IReadOnlyList<string> IssuedTokens
    {
        get
        {
            lock (_gate)
            {
                return [.. _issuedTokens];
            }
        }
    }

    /// <summary>
    /// What Slack's authorize page does when a user approves the install: checks the client id, then answers with
    /// the redirect the browser follows, <c>redirect_uri?code=…&amp;state=…</c>. The code works once, for the scopes asked.
    /// </summary>
    /// <exception cref="ArgumentException">The URL lacks what Slack's authorize page requires (Slack shows an error page).</exception>
    public Uri Authorize(Uri authorizeUrl)
    {
        var query = QueryHelpers.ParseQuery(authorizeUrl.Query);
        if (query["client_id"].ToString() != _options.ClientId)
        {
            throw new ArgumentException($"Slack's authorize page would refuse client_id '{query["client_id"]}' (the app's is '{_options.ClientId}').", nameof(authorizeUrl));
        }

        var redirect = query["redirect_uri"].ToString();
        if (!Uri.TryCreate(redirect, UriKind.Absolute, out _))
        {
            throw new ArgumentException("The authorize URL has no absolute redirect_uri.", nameof(authorizeUrl));
        }

        var code = "code-" + Guid.NewGuid().ToString("N");
        lock (_gate)
        {
            _codes[code] = new IssuedCode(Scopes(query["scope"].ToString()), redirect);
        }

        return new Uri(QueryHelpers.AddQueryString(redirect, new Dictionary<string, string?> { ["code"] = code, ["state"] = query["state"].ToString() }));
    }

    /// <summary>Revokes a token, as uninstalling the app does: every later call with it answers <c>token_revoked</c>.</summary>
    public void RevokeToken(string token)
    {
        lock (_gate)
        {
            _tokens[token] = _tokens[token] with { Revoked = true };
        }
    }

    private async Task OAuthAccessAsync(HttpContext context)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : null;
        var (clientId, clientSecret) = BasicCredentials(context.Request);
        var grant = form?["grant_type"].ToString() is { Length: > 0 } g ? g : "authorization_code";

        JsonObject response;
        lock (_gate)
        {
            response = clientId is null || clientId != _options.ClientId ? Error("invalid_client_id")
                : clientSecret != _options.ClientSecret ? Error("bad_client_secret")
                : form is null ? Error("invalid_form_data")
                : grant == "authorization_code" ? ExchangeCode(form["code"].ToString(), form["redirect_uri"].ToString())
                : grant == "refresh_token" ? Refresh(form["refresh_token"].ToString())
                : Error("invalid_grant_type");
            _calls.Add(Call(context, null, null, 200, response["error"]?.GetValue<string>()));
            Changed();
        }

        await WriteJsonAsync(context, response);
    }

    // Under the lock.
    private JsonObject ExchangeCode(string code, string redirectUri)
    {
        if (!_codes.Remove(code, out var issued))
        {
            return Error("invalid_code");
        }

        return redirectUri != issued.RedirectUri ? Error("bad_redirect_uri") : IssueTokens(issued.Scopes);
    }

    // Under the lock. Like Slack: the refresh token is used up, a new one comes with the new access token.
    private JsonObject Refresh(string refreshToken)
    {
        if (!_refreshTokens.Remove(refreshToken, out var accessToken))
        {
            return Error("invalid_refresh_token");
        }

        return _tokens[accessToken].Revoked ? Error("token_revoked") : IssueTokens(_tokens[accessToken].Scopes);
    }

    // Under the lock.
    private JsonObject IssueTokens(HashSet<string> scopes)
    {
        var n = ++_issued;
        var rotating = _options.TokenLifetime is not null;
        var token = (rotating ? "xoxe.xoxb-1-" : "xoxb-") + $"{_options.TeamId}-{n}-{Guid.NewGuid():N}";
        _tokens[token] = new FakeSlackToken(scopes, rotating ? DateTimeOffset.UtcNow + _options.TokenLifetime : null);
        _issuedTokens.Add(token);
        var response = new JsonObject
        {
            ["ok"] = true,
            ["app_id"] = _options.AppId,
            ["authed_user"] = new JsonObject { ["id"] = "U0INSTALLER" },
            ["scope"] = string.Join(',', scopes),
            ["token_type"] = "bot",
            ["access_token"] = token,
            ["bot_user_id"] = _options.BotUserId,
            ["team"] = new JsonObject { ["id"] = _options.TeamId, ["name"] = _options.Team },
            ["enterprise"] = null,
            ["is_enterprise_install"] = false,
        };
        if (rotating)
        {
            var refresh = $"xoxe-1-{n}-{Guid.NewGuid():N}";
            _refreshTokens[refresh] = token;
            response["expires_in"] = (int)_options.TokenLifetime!.Value.TotalSeconds;
            response["refresh_token"] = refresh;
        }

        return response;
    }

    private static (string? ClientId, string? ClientSecret) BasicCredentials(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return (null, null);
        }

        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter)).Split(':', 2);
            return pair.Length == 2 ? (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1])) : (null, null);
        }
        catch (FormatException)
        {
            return (null, null);
        }
    }

    private static HashSet<string> Scopes(string scopes) =>
        new(scopes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);

    private static JsonObject Error(string error) => new() { ["ok"] = false, ["error"] = error };

    private sealed record IssuedCode(HashSet<string> Scopes, string RedirectUri);

    /// <summary>A token the fake knows: its scopes, when it expires (rotation), whether it was revoked.</summary>
    private sealed record FakeSlackToken(HashSet<string> Scopes, DateTimeOffset? ExpiresAt, bool Revoked = false);
}
