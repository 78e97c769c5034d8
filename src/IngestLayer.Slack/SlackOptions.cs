using System.ComponentModel.DataAnnotations;

namespace IngestLayer.Slack;

/// <summary>
/// Where and how alerts are posted to Slack (configuration section <c>Slack</c>). Without a
/// <see cref="BotToken"/> alerts go to the dev inbox: they are logged instead of posted.
/// </summary>
public sealed class SlackOptions : IValidatableObject
{
    public const string Section = "Slack";
    public const string DefaultApiBaseUrl = "https://slack.com/api/";
    public const int DefaultChannelBudgetPerMinute = 5;
    public const string DefaultAuthorizeUrl = "https://slack.com/oauth/v2/authorize";
    public const int DefaultOperatorNoticeAfterFailures = 3;
    public const int DefaultOperatorNoticeCooldownMinutes = 60;

    private string _apiBaseUrl = DefaultApiBaseUrl;

    /// <summary>
    /// The Web API root, an absolute http(s) URL. Always ends with '/', because method names are
    /// resolved relative to it and <c>https://slack.com/api</c> + <c>chat.postMessage</c> would drop <c>api</c>.
    /// </summary>
    [Required]
    public string ApiBaseUrl
    {
        get => _apiBaseUrl;
        set
        {
            var trimmed = value?.Trim() ?? "";
            _apiBaseUrl = trimmed.Length == 0 || trimmed.EndsWith('/') ? trimmed : trimmed + "/";
        }
    }

    /// <summary>
    /// The bot token (<c>xoxb-…</c>) for single-workspace setups: used for every workspace that has no installation of
    /// its own (<c>GET /slack/install</c>). A secret: it is sent to Slack and nowhere else.
    /// </summary>
    public string? BotToken { get; set; }

    /// <summary>The Slack app's client id (app settings, Basic Information). Enables <c>GET /slack/install</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary>The Slack app's client secret; sent to <c>oauth.v2.access</c> as HTTP Basic and nowhere else.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// Where Slack sends the browser back after the install: this host's <c>/slack/oauth/callback</c> as the
    /// browser reaches it (e.g. <c>https://ingest.example.com/slack/oauth/callback</c>). It must also be listed
    /// under the app's OAuth &amp; Permissions, Redirect URLs.
    /// </summary>
    public string? RedirectUri { get; set; }

    /// <summary>Slack's OAuth v2 authorize page, where <c>GET /slack/install</c> sends the browser.</summary>
    public string AuthorizeUrl { get; set; } = DefaultAuthorizeUrl;

    /// <summary>The channel for alerts whose account has no channel of its own.</summary>
    public string? DefaultChannel { get; set; }

    /// <summary>
    /// How many messages one channel gets per minute: a budget of this many that refills evenly over a minute (one
    /// every 60/N seconds), so a burst spends it at once and a steady stream gets N a minute. Whatever waits for a
    /// channel beyond it goes out together as one digest message with the budget's last message or its next refill.
    /// Messages to a channel are also spaced at least a second apart (Slack's limit), so at most 60.
    /// </summary>
    [Range(1, 60, ErrorMessage = "Slack:ChannelBudgetPerMinute must be between 1 and 60 (Slack takes about one message a second per channel).")]
    public int ChannelBudgetPerMinute { get; set; } = DefaultChannelBudgetPerMinute;

    /// <summary>
    /// The Slack app's signing secret (Basic Information → App Credentials). A secret: it verifies that requests to
    /// <c>/slack/commands</c> and <c>/slack/interactions</c> come from Slack. Without it those endpoints answer 404
    /// and alert messages carry no Acknowledge/Snooze buttons (Slack would have nowhere verified to send the clicks).
    /// </summary>
    public string? SigningSecret { get; set; }

    /// <summary>
    /// Where the "Open account" button of an alert links to, with <c>{workspace}</c> and <c>{account}</c> replaced by
    /// the URL-escaped workspace and account id, e.g. <c>https://crm.example.com/accounts/{account}</c>. None: no such button.
    /// </summary>
    public string? AccountUrlTemplate { get; set; }

    /// <summary>The IngestLayer workspace the <c>/engagement</c> command reads (the Slack team's workspace).</summary>
    [RegularExpression("^[A-Za-z0-9_-]{1,64}$", ErrorMessage = "Slack:Workspace may hold letters, digits, '-' and '_' (at most 64).")]
    public string Workspace { get; set; } = "default";

    /// <summary>Whether Slack's requests can be verified, i.e. whether the slash command and the buttons work.</summary>
    public bool HasSigningSecret => !string.IsNullOrWhiteSpace(SigningSecret);

    /// <summary>
    /// Where an operator hears that deliveries to a channel keep failing (and when they work again), e.g.
    /// <c>#ops-alerts</c> or a channel id. Without it a failing channel is logged and shown by
    /// <c>GET /ops/slack/channels/health</c>.
    /// </summary>
    public string? OperatorChannel { get; set; }

    /// <summary>After this many failed deliveries in a row to one channel, the operator is told.</summary>
    [Range(1, 1_000, ErrorMessage = "Slack:OperatorNoticeAfterFailures must be between 1 and 1000.")]
    public int OperatorNoticeAfterFailures { get; set; } = DefaultOperatorNoticeAfterFailures;

    /// <summary>At most one notice per failing channel in this many minutes, however many alerts fail meanwhile.</summary>
    [Range(1, 10_080, ErrorMessage = "Slack:OperatorNoticeCooldownMinutes must be between 1 and 10080 (a week).")]
    public int OperatorNoticeCooldownMinutes { get; set; } = DefaultOperatorNoticeCooldownMinutes;

    /// <summary>The operator's channel, or null when none is set.</summary>
    public string? OperatorChannelOrNull => string.IsNullOrWhiteSpace(OperatorChannel) ? null : OperatorChannel.Trim();

    /// <summary>Whether a token is configured, i.e. whether alerts are posted rather than kept in the dev inbox.</summary>
    public bool HasBotToken => !string.IsNullOrWhiteSpace(BotToken);

    /// <summary>Whether the OAuth install flow can run: a client id (validation then requires the secret and redirect URI).</summary>
    public bool IsInstallConfigured => !string.IsNullOrWhiteSpace(ClientId);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult(
                $"Slack:ApiBaseUrl must be an absolute http(s) URL such as {DefaultApiBaseUrl}; got '{ApiBaseUrl}'.",
                [nameof(ApiBaseUrl)]);
        }

        if (!string.IsNullOrWhiteSpace(AccountUrlTemplate) && !IsAccountUrlTemplate(AccountUrlTemplate))
        {
            yield return new ValidationResult(
                "Slack:AccountUrlTemplate must be an absolute http(s) URL containing {account}, e.g. https://crm.example.com/accounts/{account}.",
                [nameof(AccountUrlTemplate)]);
        }

        if (!string.IsNullOrWhiteSpace(OperatorChannel) && !IsChannelName(OperatorChannel.Trim()))
        {
            yield return new ValidationResult(
                $"Slack:OperatorChannel must be a channel name such as #ops-alerts or a channel id such as C0123456789; got '{OperatorChannel}'.",
                [nameof(OperatorChannel)]);
        }

        if (!IsHttpUrl(AuthorizeUrl))
        {
            yield return new ValidationResult(
                $"Slack:AuthorizeUrl must be an absolute http(s) URL such as {DefaultAuthorizeUrl}; got '{AuthorizeUrl}'.", [nameof(AuthorizeUrl)]);
        }

        if (!IsInstallConfigured)
        {
            if (!string.IsNullOrWhiteSpace(ClientSecret) || !string.IsNullOrWhiteSpace(RedirectUri))
            {
                yield return new ValidationResult(
                    "Slack:ClientSecret or Slack:RedirectUri is set but Slack:ClientId is not; the install flow needs all three.", [nameof(ClientId)]);
            }

            yield break;
        }

        if (string.IsNullOrWhiteSpace(ClientSecret))
        {
            yield return new ValidationResult("Slack:ClientId is set, so Slack:ClientSecret is required (the app's Basic Information page).", [nameof(ClientSecret)]);
        }

        if (!IsHttpUrl(RedirectUri))
        {
            yield return new ValidationResult(
                $"Slack:ClientId is set, so Slack:RedirectUri is required: this host's absolute http(s) URL of /slack/oauth/callback; got '{RedirectUri}'.",
                [nameof(RedirectUri)]);
        }
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary>The "Open account" link of an account, or null when <see cref="AccountUrlTemplate"/> is not set.</summary>
    public string? AccountUrl(string workspace, string accountId) =>
        string.IsNullOrWhiteSpace(AccountUrlTemplate)
            ? null
            : AccountUrlTemplate.Trim()
                .Replace("{workspace}", Uri.EscapeDataString(workspace), StringComparison.Ordinal)
                .Replace("{account}", Uri.EscapeDataString(accountId), StringComparison.Ordinal);

    private static bool IsAccountUrlTemplate(string template) =>
        template.Contains("{account}", StringComparison.Ordinal)
        && Uri.TryCreate(template.Trim().Replace("{workspace}", "w", StringComparison.Ordinal).Replace("{account}", "a", StringComparison.Ordinal), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    // Slack channel names are lowercase letters, digits, '-', '_' and '.' (at most 80); ids are uppercase letters and digits.
    private static bool IsChannelName(string value)
    {
        var name = value.StartsWith('#') ? value[1..] : value;
        return name.Length is > 0 and <= 80
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
    }
}
