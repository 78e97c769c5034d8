using System.Net.Http.Headers;
using IngestLayer.Testing;
using Microsoft.AspNetCore.Builder;

namespace IngestLayer.EndToEndTests;

/// <summary>
/// The real host on a loopback port, configured as an operator would, posting to a fake Slack that
/// behaves like Slack. Shared by the end-to-end tests; each test uses its own accounts and channels.
/// </summary>
public sealed class HostFixture : IAsyncLifetime
{
    public const string WriteKey = "wk_test_web_0123456789";
    public const string OtherWorkspaceKey = "wk_test_other_0123456789";
    public const string AdminToken = "adm_test_0123456789abcdef";

    /// <summary>
    /// Write keys of workspaces of the pipeline tests' own: a pipeline reaches every event of its workspace, so the
    /// seed scenarios (which match <c>feature.used</c>) each get one, and the other pipeline tests share one with
    /// event names of their own.
    /// </summary>
    public const string RecipeKey = "wk_test_recipe_0123456789";
    public const string HandbookKey = "wk_test_handbook_0123456789";
    public const string PipesKey = "wk_test_pipes_0123456789";

    /// <summary>Write keys of the workspaces the Slack install tests install the app into, one per test.</summary>
    public const string SlackAppKey = "wk_test_slackapp_0123456789";
    public const string SlackGoneKey = "wk_test_slackgone_0123456789";

    /// <summary>Where the Slack app sends the browser back; the tests follow it to the host themselves.</summary>
    public const string SlackRedirectUri = "https://ingest.example.test/slack/oauth/callback";

    private WebApplication? _app;

    public FakeSlack Slack { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The host's services, for asserting on what it stored behind the HTTP API.</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The host has not started.");

    public async Task InitializeAsync()
    {
        Slack = await FakeSlack.StartAsync(o => o.Channels.Add("#default-alerts"));
        (_app, BaseAddress) = await LoopbackHost.StartAsync(new Dictionary<string, string?>
            {
                ["IngestLayer:AdminToken"] = AdminToken,
                ["IngestLayer:Sources:web:WriteKey"] = WriteKey,
                ["IngestLayer:Sources:other:WriteKey"] = OtherWorkspaceKey,
                ["IngestLayer:Sources:other:Workspace"] = "other",
                ["IngestLayer:Sources:recipe:WriteKey"] = RecipeKey,
                ["IngestLayer:Sources:recipe:Workspace"] = "recipe",
                ["IngestLayer:Sources:handbook:WriteKey"] = HandbookKey,
                ["IngestLayer:Sources:handbook:Workspace"] = "handbook",
                ["IngestLayer:Sources:pipes:WriteKey"] = PipesKey,
                ["IngestLayer:Sources:pipes:Workspace"] = "pipes",
                ["IngestLayer:Sources:slackapp:WriteKey"] = SlackAppKey,
                ["IngestLayer:Sources:slackapp:Workspace"] = "slackapp",
                ["IngestLayer:Sources:slackgone:WriteKey"] = SlackGoneKey,
                ["IngestLayer:Sources:slackgone:Workspace"] = "slackgone",
                ["IngestLayer:Signals:PaidFeatures:0"] = "csv.export",
                ["IngestLayer:Signals:PaidFeatures:1"] = "api.access",
                ["Slack:ApiBaseUrl"] = Slack.BaseUrl,
                ["Slack:BotToken"] = Slack.BotToken,
                ["Slack:DefaultChannel"] = "#default-alerts",
                ["Slack:ClientId"] = Slack.ClientId,
                ["Slack:ClientSecret"] = Slack.ClientSecret,
                ["Slack:RedirectUri"] = SlackRedirectUri,
                ["Logging:LogLevel:Default"] = "Warning",
                // Live feeds: a short heartbeat to see one, and a small buffer so a stalled subscriber is dropped soon.
                ["IngestLayer:Live:HeartbeatInterval"] = "00:00:02",
                ["IngestLayer:Live:BufferCapacity"] = "100",
            });
        Http.BaseAddress = BaseAddress;
    }

    public async Task DisposeAsync()
    {
        await LoopbackHost.StopAsync(_app);

        await Slack.DisposeAsync();
        Http.Dispose();
    }

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);
}

[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<HostFixture>
{
    public const string Name = "host";
}
