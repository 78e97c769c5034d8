using IngestLayer.Slack;
using IngestLayer.Storage;
using IngestLayer.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IngestLayer.SlackTests;

/// <summary>The OAuth v2 install against the fake Slack: the authorize URL, the state's checks, the code exchange, what is stored.</summary>
public sealed class SlackInstallerTests : IAsyncLifetime
{
    private const string Workspace = "acme";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
    private readonly LogCapture _logs = new();
    private FakeSlack _slack = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlack.StartAsync();
        _services = SlackAppServices.Build(_slack, _time, logs: _logs);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _slack.DisposeAsync();
    }

    private SlackInstaller Installer => _services.GetRequiredService<SlackInstaller>();

    [Fact]
    public void the_authorize_url_asks_for_the_bot_scopes_with_the_client_id_redirect_uri_and_a_state()
    {
        var url = Installer.AuthorizeUrl(Workspace);
        var query = QueryHelpers.ParseQuery(url.Query);

        Assert.Equal("https://slack.com/oauth/v2/authorize", url.GetLeftPart(UriPartial.Path));
        Assert.Equal(_slack.ClientId, query["client_id"]);
        Assert.Equal("chat:write,chat:write.public,channels:read,channels:join,commands", query["scope"]);
        Assert.Equal(SlackAppServices.RedirectUri, query["redirect_uri"]);
        Assert.IsType<SlackInstallStateReading.Valid>(_services.GetRequiredService<SlackInstallState>().Read(query["state"]));
        Assert.NotEqual(query["state"].ToString(), QueryHelpers.ParseQuery(Installer.AuthorizeUrl(Workspace).Query)["state"].ToString());
    }

    [Fact]
    public async Task an_approved_install_stores_the_team_bot_and_scopes_with_the_token_encrypted()
    {
        var outcome = await _services.InstallAsync(_slack, Workspace);

        var installed = Assert.IsType<SlackInstallOutcome.Installed>(outcome);
        Assert.Equal(new SlackInstallOutcome.Installed(Workspace, "T0FAKESLACK", "Fake Slack", "chat:write,chat:write.public,channels:read,channels:join,commands"), installed);
        var stored = await _services.GetRequiredService<ISlackInstallationStore>().GetAsync(Workspace, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(("T0FAKESLACK", "Fake Slack", "A0FAKEAPP", "U0FAKEBOT", true, _time.GetUtcNow()),
            (stored.TeamId, stored.TeamName, stored.AppId, stored.BotUserId, stored.Active, stored.InstalledAt));
        var token = Assert.Single(_slack.IssuedTokens);
        Assert.DoesNotContain(token, stored.ProtectedBotToken, StringComparison.Ordinal);
        Assert.Null(stored.ProtectedRefreshToken);
        Assert.Null(stored.TokenExpiresAt);

        // The exchange sent the client credentials as HTTP Basic (the fake refuses anything else).
        Assert.Equal("oauth.v2.access", Assert.Single(_slack.Calls).Method);
        Assert.Null(Assert.Single(_slack.Calls).Error);
        Assert.DoesNotContain(_logs.Lines, l => l.Message.Contains(token, StringComparison.Ordinal) || l.Message.Contains(_slack.ClientSecret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_state_older_than_ten_minutes_is_refused_as_expired()
    {
        var callback = _slack.Authorize(Installer.AuthorizeUrl(Workspace));
        _time.Advance(SlackInstallState.Lifetime + TimeSpan.FromSeconds(1));

        var outcome = await CompleteAsync(callback);

        var failed = Assert.IsType<SlackInstallOutcome.Failed>(outcome);
        Assert.Equal((400, "expired_state", "This install link has expired"), (failed.Status, failed.Error, failed.Title));
        Assert.Contains("/slack/install?workspace=acme", failed.Message, StringComparison.Ordinal);
        Assert.Empty(_slack.Calls);
    }

    [Fact]
    public async Task a_state_is_accepted_once()
    {
        var callback = _slack.Authorize(Installer.AuthorizeUrl(Workspace));
        Assert.IsType<SlackInstallOutcome.Installed>(await CompleteAsync(callback));

        var again = Assert.IsType<SlackInstallOutcome.Failed>(await CompleteAsync(callback));

        Assert.Equal((400, "state_reused"), (again.Status, again.Error));
        Assert.Single(_slack.Calls, c => c.Method == "oauth.v2.access");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-state")]
    [InlineData("CfDJ8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task a_missing_or_forged_state_is_refused_before_anything_is_asked_of_slack(string? state)
    {
        var failed = Assert.IsType<SlackInstallOutcome.Failed>(await Installer.CompleteAsync("code-anything", state, null, CancellationToken.None));

        Assert.Equal((400, "invalid_state"), (failed.Status, failed.Error));
        Assert.Empty(_slack.Calls);
    }

    [Fact]
    public async Task a_state_issued_with_another_key_ring_is_refused()
    {
        await using var otherHost = SlackAppServices.Build(_slack, _time);
        var foreign = otherHost.GetRequiredService<SlackInstallState>().Issue(Workspace);

        var failed = Assert.IsType<SlackInstallOutcome.Failed>(await Installer.CompleteAsync("code-anything", foreign, null, CancellationToken.None));

        Assert.Equal("invalid_state", failed.Error);
    }

    [Fact]
    public async Task a_denied_install_ends_with_a_403_and_stores_nothing()
    {
        var state = QueryHelpers.ParseQuery(Installer.AuthorizeUrl(Workspace).Query)["state"];

        var failed = Assert.IsType<SlackInstallOutcome.Failed>(await Installer.CompleteAsync(null, state, "access_denied", CancellationToken.None));

        Assert.Equal((403, "access_denied", "The install was cancelled"), (failed.Status, failed.Error, failed.Title));
        Assert.Null(await _services.GetRequiredService<ISlackInstallationStore>().GetAsync(Workspace, CancellationToken.None));
        Assert.Empty(_slack.Calls);
    }

    [Fact]
    public async Task a_code_slack_does_not_know_is_a_400_naming_invalid_code()
    {
        var state = QueryHelpers.ParseQuery(Installer.AuthorizeUrl(Workspace).Query)["state"];

        var failed = Assert.IsType<SlackInstallOutcome.Failed>(await Installer.CompleteAsync("code-never-issued", state, null, CancellationToken.None));

        Assert.Equal((400, "invalid_code", "Slack refused the authorization code"), (failed.Status, failed.Error, failed.Title));
        Assert.Equal("invalid_code", Assert.Single(_slack.Calls).Error);
    }

    [Fact]
    public async Task a_wrong_client_secret_is_a_502_that_names_the_keys_to_check()
    {
        await using var misconfigured = SlackAppServices.Build(_slack, _time, clientSecret: "not-the-apps-secret");

        var failed = Assert.IsType<SlackInstallOutcome.Failed>(await misconfigured.InstallAsync(_slack, Workspace));

        Assert.Equal((502, "bad_client_secret"), (failed.Status, failed.Error));
        Assert.Contains("Slack:ClientSecret", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task slack_unreachable_is_a_502_saying_to_try_again()
    {
        var state = QueryHelpers.ParseQuery(Installer.AuthorizeUrl(Workspace).Query)["state"];
        await _slack.DisposeAsync();

        var failed = Assert.IsType<SlackInstallOutcome.Failed>(await Installer.CompleteAsync("code-anything", state, null, CancellationToken.None));

        Assert.Equal((502, "network_error", "Slack could not be reached"), (failed.Status, failed.Error, failed.Title));
        _slack = await FakeSlack.StartAsync();
    }

    [Fact]
    public async Task a_database_that_is_down_ends_on_a_503_and_asks_nothing_of_slack()
    {
        await using var services = SlackAppServices.Build(_slack, _time,
            configure: s => s.AddSingleton<ISlackInstallationStore>(new UnreachableStore()));

        var failed = Assert.IsType<SlackInstallOutcome.Failed>(await services.InstallAsync(_slack, Workspace));

        Assert.Equal((503, "store_unavailable"), (failed.Status, failed.Error));
        Assert.Contains("Start again from /slack/install?workspace=acme", failed.Message, StringComparison.Ordinal);
        Assert.Empty(_slack.Calls);
    }

    private Task<SlackInstallOutcome> CompleteAsync(Uri callback)
    {
        var query = QueryHelpers.ParseQuery(callback.Query);
        return Installer.CompleteAsync(query["code"], query["state"], null, CancellationToken.None);
    }

    /// <summary>A store whose database is unreachable, as PostgresSlackInstallationStore reports it.</summary>
    private sealed class UnreachableStore : ISlackInstallationStore
    {
        private static StorageUnavailableException Down() => new("PostgreSQL could not record a Slack install state: connection refused.");

        public ValueTask<SlackInstallation?> GetAsync(string workspace, CancellationToken cancellationToken) => throw Down();

        public ValueTask<IReadOnlyList<SlackInstallation>> ListAsync(CancellationToken cancellationToken) => throw Down();

        public ValueTask SaveAsync(SlackInstallation installation, CancellationToken cancellationToken) => throw Down();

        public ValueTask<bool> RotateTokensAsync(string workspace, Guid installationId, int expectedVersion, SlackRotatedTokens tokens, CancellationToken cancellationToken) => throw Down();

        public ValueTask<bool> DeactivateAsync(string workspace, Guid installationId, string reason, DateTimeOffset at, CancellationToken cancellationToken) => throw Down();

        public ValueTask<bool> TryConsumeStateAsync(string nonce, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken) => throw Down();
    }
}
