using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using IngestLayer.Grains;
using IngestLayer.Slack;
using IngestLayer.Storage;
using IngestLayer.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace IngestLayer.EndToEndTests;

/// <summary>
/// A host of its own with the Slack app configured (signing secret, account links) and an application clock the tests
/// can move forward (the grains see it; the host's loops and Slack's signatures keep real time). No cooldown, so a rule
/// re-fires whenever it crosses again. One per test class.
/// </summary>
public sealed class SlackAppFixture : IAsyncLifetime
{
    public const string AdminToken = "adm_slackapp_0123456789abcdef";
    public const string WriteKey = "wk_slackapp_0123456789";

    /// <summary>A second workspace, for the tests of Slack teams mapped to workspaces by installation.</summary>
    public const string SecondWorkspace = "slackapp2";
    public const string SecondWriteKey = "wk_slackapp2_0123456789";
    public const string SigningSecret = "test-signing-secret-0123456789";
    public const string AccountUrlTemplate = "https://crm.example.test/accounts/{workspace}/{account}";

    private WebApplication? _app;

    public FakeSlack Slack { get; private set; } = null!;

    /// <summary>The clock the grains read (snoozes, windows); advance it to be days later.</summary>
    public ShiftedTimeProvider AppTime { get; } = new();

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The host's services (its installation store, its token protector).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The host has not started.");

    public async Task InitializeAsync()
    {
        Slack = await FakeSlack.StartAsync(o => o.Channels.Add("#default-alerts"));
        (_app, var address) = await LoopbackHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["IngestLayer:AdminToken"] = AdminToken,
                ["IngestLayer:Sources:web:WriteKey"] = WriteKey,
                ["IngestLayer:Sources:second:WriteKey"] = SecondWriteKey,
                ["IngestLayer:Sources:second:Workspace"] = SecondWorkspace,
                ["IngestLayer:Signals:PaidFeatures:0"] = "csv.export",
                ["IngestLayer:Signals:Cooldown"] = "00:00:00",
                ["Slack:ApiBaseUrl"] = Slack.BaseUrl,
                ["Slack:BotToken"] = Slack.BotToken,
                ["Slack:DefaultChannel"] = "#default-alerts",
                ["Slack:SigningSecret"] = SigningSecret,
                ["Slack:AccountUrlTemplate"] = AccountUrlTemplate,
                // Every test posts to #default-alerts within the same minute; the most a channel takes, so no digests here.
                ["Slack:ChannelBudgetPerMinute"] = "60",
                ["Logging:LogLevel:Default"] = "Warning",
            },
            builder => builder.Services.AddKeyedSingleton<TimeProvider>(AppClock.Key, AppTime));
        Http.BaseAddress = address;
    }

    public async Task DisposeAsync()
    {
        await LoopbackHost.StopAsync(_app);

        await Slack.DisposeAsync();
        Http.Dispose();
    }

    public async Task SendAsync(string path, object body, string writeKey = WriteKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(Api.Json(body), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = HostFixture.Bearer(writeKey);
        using var response = await Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public async Task ImportOwnerAsync(string accountId, string owner, string channel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ops/owners/import")
        {
            Content = new StringContent($"account_id,owner,slack_channel\n{accountId},{owner},{channel}\n", Encoding.UTF8, "text/csv"),
        };
        request.Headers.Authorization = HostFixture.Bearer(AdminToken);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task<JsonNode?> OpsGetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = HostFixture.Bearer(AdminToken);
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode && body.Length > 0 ? JsonNode.Parse(body) : null;
    }

    /// <summary>The account's state, once <paramref name="until"/> holds for it.</summary>
    public Task<JsonNode> AccountAsync(string accountId, Func<JsonNode, bool> until, string awaited, string workspace = "default") =>
        Api.EventuallyAsync(
            async () => await OpsGetAsync($"/ops/accounts/{Uri.EscapeDataString(accountId)}?workspace={workspace}") is { } body && until(body["account"]!) ? body["account"] : null,
            awaited);

    /// <summary>Records that the app is installed for <paramref name="workspace"/> in Slack team <paramref name="teamId"/>, as the install flow would.</summary>
    public async Task InstallAsync(string workspace, string teamId)
    {
        var token = Services.GetRequiredService<SlackTokenProtector>().Protect(Slack.BotToken);
        await Services.GetRequiredService<ISlackInstallationStore>().SaveAsync(
            new SlackInstallation(workspace, Guid.NewGuid(), teamId, "Team " + teamId, "A0FAKEAPP", "U0FAKEBOT", "chat:write,commands", token, null, null, 1, DateTimeOffset.UtcNow),
            CancellationToken.None);
    }

    /// <summary>The account's alerts with <paramref name="status"/>, once there are at least <paramref name="count"/>.</summary>
    public Task<JsonArray> AlertsAsync(string accountId, string status, int count = 1) =>
        Api.EventuallyAsync(
            async () => await OpsGetAsync($"/ops/alerts?account_id={Uri.EscapeDataString(accountId)}&status={status}") is JsonArray alerts && alerts.Count >= count ? alerts : null,
            $"{count} alert(s) for account {accountId} with status {status}");
}
