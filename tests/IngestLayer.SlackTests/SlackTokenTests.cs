using IngestLayer.Slack;
using IngestLayer.Storage;
using IngestLayer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IngestLayer.SlackTests;

/// <summary>Which token posts for a workspace: the installation's (rotated when due), the fallback, and a revoked one.</summary>
public sealed class SlackTokenTests : IAsyncLifetime
{
    private const string Workspace = "acme";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
    private FakeSlack _slack = null!;

    public async Task InitializeAsync() => _slack = await FakeSlack.StartAsync(o => o.TokenLifetime = TimeSpan.FromHours(12));

    public async Task DisposeAsync() => await _slack.DisposeAsync();

    private static SlackMessage Message(string channel) => new(channel, "hello", []);

    [Fact]
    public async Task an_installed_workspace_posts_with_its_own_token_and_others_with_the_fallback()
    {
        await using var services = SlackAppServices.Build(_slack, _time, botToken: _slack.BotToken);
        Assert.IsType<SlackInstallOutcome.Installed>(await services.InstallAsync(_slack, Workspace));
        var poster = services.GetRequiredService<SlackPoster>();

        Assert.IsType<SlackPostResult.Ok>(await poster.PostAsync(Workspace, Message("#alerts"), CancellationToken.None));
        Assert.IsType<SlackPostResult.Ok>(await poster.PostAsync("never-installed", Message("#alerts"), CancellationToken.None));

        Assert.Equal([Assert.Single(_slack.IssuedTokens), _slack.BotToken], _slack.Calls.Where(c => c.Method == "chat.postMessage").Select(c => c.BearerToken));
    }

    [Fact]
    public async Task without_an_installation_or_a_bot_token_there_is_nothing_to_post_with()
    {
        await using var services = SlackAppServices.Build(_slack, _time);

        Assert.Null(await services.GetRequiredService<ISlackTokenSource>().GetAsync(Workspace, CancellationToken.None));
        Assert.False(await services.GetRequiredService<SlackPoster>().CanPostAsync(Workspace, CancellationToken.None));
    }

    [Fact]
    public async Task a_rotating_token_is_refreshed_before_it_expires_and_the_new_pair_is_stored()
    {
        await using var services = SlackAppServices.Build(_slack, _time);
        await services.InstallAsync(_slack, Workspace);
        var tokens = services.GetRequiredService<ISlackTokenSource>();
        var store = services.GetRequiredService<ISlackInstallationStore>();
        var installed = (await store.GetAsync(Workspace, CancellationToken.None))!;
        Assert.Equal(_time.GetUtcNow().AddHours(12), installed.TokenExpiresAt);
        Assert.NotNull(installed.ProtectedRefreshToken);

        // Well before expiry: the installed token, no refresh.
        _time.Advance(TimeSpan.FromHours(11));
        var first = Assert.IsType<SlackCredential.Token>(await tokens.GetAsync(Workspace, CancellationToken.None));
        Assert.Equal(_slack.IssuedTokens[0], first.Value);

        // Within five minutes of expiry: refreshed with the refresh token, and the new pair stored over version 0.
        _time.Advance(TimeSpan.FromMinutes(56));
        var second = Assert.IsType<SlackCredential.Token>(await tokens.GetAsync(Workspace, CancellationToken.None));
        Assert.Equal(2, _slack.IssuedTokens.Count);
        Assert.Equal(_slack.IssuedTokens[1], second.Value);
        var rotated = (await store.GetAsync(Workspace, CancellationToken.None))!;
        Assert.Equal((1, _time.GetUtcNow().AddHours(12)), (rotated.TokenVersion, rotated.TokenExpiresAt));
        Assert.NotEqual(installed.ProtectedRefreshToken, rotated.ProtectedRefreshToken);

        // The next one is no refresh: the new token is good for twelve hours.
        Assert.Equal(second.Value, Assert.IsType<SlackCredential.Token>(await tokens.GetAsync(Workspace, CancellationToken.None)).Value);
        Assert.Equal(2, _slack.Calls.Count(c => c.Method == "oauth.v2.access"));
        Assert.IsType<SlackPostResult.Ok>(await services.GetRequiredService<SlackPoster>().PostAsync(Workspace, Message("#alerts"), CancellationToken.None));
        Assert.Equal(second.Value, _slack.Calls[^1].BearerToken);
    }

    [Fact]
    public async Task a_refresh_token_slack_refuses_marks_the_installation_inactive()
    {
        await using var services = SlackAppServices.Build(_slack, _time);
        await services.InstallAsync(_slack, Workspace);
        _slack.RevokeToken(_slack.IssuedTokens[0]);
        _time.Advance(TimeSpan.FromHours(12));

        var unusable = Assert.IsType<SlackCredential.Unusable>(await services.GetRequiredService<ISlackTokenSource>().GetAsync(Workspace, CancellationToken.None));

        Assert.Equal("token_revoked", unusable.Error);
        Assert.Contains("GET /slack/install?workspace=acme", unusable.Detail, StringComparison.Ordinal);
        Assert.False((await services.GetRequiredService<ISlackInstallationStore>().GetAsync(Workspace, CancellationToken.None))!.Active);
    }

    [Fact]
    public async Task a_revoked_token_fails_the_post_marks_the_installation_inactive_and_a_reinstall_revives_it()
    {
        await using var services = SlackAppServices.Build(_slack, _time, botToken: _slack.BotToken);
        await services.InstallAsync(_slack, Workspace);
        var poster = services.GetRequiredService<SlackPoster>();
        var store = services.GetRequiredService<ISlackInstallationStore>();
        _slack.RevokeToken(_slack.IssuedTokens[0]);

        Assert.Equal(new SlackPostResult.Permanent("token_revoked"), await poster.PostAsync(Workspace, Message("#alerts"), CancellationToken.None));

        var inactive = (await store.GetAsync(Workspace, CancellationToken.None))!;
        Assert.Equal((false, "token_revoked", _time.GetUtcNow()), (inactive.Active, inactive.DeactivatedReason, inactive.DeactivatedAt));

        // Later alerts fail without calling Slack, and never fall back to Slack:BotToken (maybe another team's).
        var next = Assert.IsType<SlackPostResult.Permanent>(await poster.PostAsync(Workspace, Message("#alerts"), CancellationToken.None));
        Assert.Equal("token_revoked", next.Error);
        Assert.Contains("Reinstall via GET /slack/install?workspace=acme", next.Detail, StringComparison.Ordinal);
        Assert.Single(_slack.Calls, c => c.Method == "chat.postMessage");

        await services.InstallAsync(_slack, Workspace);
        Assert.IsType<SlackPostResult.Ok>(await poster.PostAsync(Workspace, Message("#alerts"), CancellationToken.None));
        Assert.Equal(_slack.IssuedTokens[1], _slack.Calls[^1].BearerToken);
    }

    [Fact]
    public async Task a_message_is_updated_as_the_bot_of_its_workspace()
    {
        await using var services = SlackAppServices.Build(_slack, _time, botToken: _slack.BotToken);
        await services.InstallAsync(_slack, Workspace);
        var posted = Assert.IsType<SlackPostResult.Ok>(await services.GetRequiredService<SlackPoster>().PostAsync(Workspace, Message("#alerts"), CancellationToken.None));
        var updater = services.GetRequiredService<SlackMessageUpdater>();
        await updater.StartAsync(CancellationToken.None);

        Assert.True(updater.Enqueue(Workspace, new SlackMessageUpdate(posted.Channel, posted.Ts, "acknowledged", System.Text.Json.JsonDocument.Parse("[]").RootElement)));

        var calls = await _slack.WaitForCallsAsync(_slack.Calls.Count + 1, TimeSpan.FromSeconds(10));
        Assert.Equal(("chat.update", _slack.IssuedTokens[0], (string?)null), (calls[^1].Method, calls[^1].BearerToken, calls[^1].Error));
        await updater.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task an_update_refused_as_token_revoked_marks_the_installation_inactive()
    {
        await using var services = SlackAppServices.Build(_slack, _time);
        await services.InstallAsync(_slack, Workspace);
        var posted = Assert.IsType<SlackPostResult.Ok>(await services.GetRequiredService<SlackPoster>().PostAsync(Workspace, Message("#alerts"), CancellationToken.None));
        _slack.RevokeToken(_slack.IssuedTokens[0]);
        var updater = services.GetRequiredService<SlackMessageUpdater>();
        await updater.StartAsync(CancellationToken.None);

        updater.Enqueue(Workspace, new SlackMessageUpdate(posted.Channel, posted.Ts, "acknowledged", System.Text.Json.JsonDocument.Parse("[]").RootElement));

        var store = services.GetRequiredService<ISlackInstallationStore>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await store.GetAsync(Workspace, CancellationToken.None))!.Active)
        {
            Assert.True(DateTime.UtcNow < deadline, "Waited 10 s for the revoked chat.update to mark the installation inactive.");
            await Task.Delay(20);
        }

        Assert.Equal("token_revoked", (await store.GetAsync(Workspace, CancellationToken.None))!.DeactivatedReason);
        Assert.Equal(("chat.update", "token_revoked"), (_slack.Calls[^1].Method, _slack.Calls[^1].Error));
        await updater.StopAsync(CancellationToken.None);
    }
}
