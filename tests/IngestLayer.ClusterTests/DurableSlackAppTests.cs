using System.Net;
using System.Text.Json.Nodes;
using IngestLayer.Testing;

namespace IngestLayer.ClusterTests;

/// <summary>
/// The Slack app in durable mode, on a real host process and PostgreSQL: an account's thread, an acknowledgement and
/// the slash command's suggestions come from the database, so they hold across a restart.
/// </summary>
public sealed class DurableSlackAppTests() : FreshDatabaseTest("slack_app")
{
    private const string Channel = "#default-alerts";
    private const string SigningSecret = "durable-signing-secret-0123456789";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private FakeSlack _slack = null!;

    protected override async Task OnDatabaseCreatedAsync() => _slack = await FakeSlack.StartAsync(o => o.Channels.Add(Channel));

    protected override async Task OnDisposingAsync() => await _slack.DisposeAsync();

    [Fact]
    public async Task the_days_thread_and_an_acknowledgement_survive_a_restart_and_engagement_suggests_ids_from_the_log()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var account = $"acme-corp-{suffix}";
        var settings = new Dictionary<string, string>
        {
            ["Slack__ApiBaseUrl"] = _slack.BaseUrl,
            ["Slack__BotToken"] = _slack.BotToken,
            ["Slack__DefaultChannel"] = Channel,
            ["Slack__SigningSecret"] = SigningSecret,
            ["IngestLayer__Signals__Cooldown"] = "00:00:00",
        };

        FakeSlackMessage first;
        await using (var host = await HostProcess.StartDurableAsync("slack-1", ConnectionString, settings))
        {
            await host.PostEventsAsync(new { @event = "billing invoice payment failed", user_id = "billing", account_id = account });
            first = (await _slack.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30)))[0];

            var acknowledge = Button(first, "alert.acknowledge");
            using (var click = SlackRequests.BlockAction("/slack/interactions", SigningSecret, "alert.acknowledge", acknowledge, first.ChannelId, first.Ts, first.Blocks))
            {
                Assert.Equal(HttpStatusCode.OK, await SendAsync(host, click));
            }

            await ClusterApi.EventuallyAsync(
                async () => await host.AccountAsync(account) is { } a && a["recent_alerts"]![0]!["acknowledged_by"] is not null ? a : null,
                "the acknowledgement");

            // A typo: the answer suggests the id, read from the stored log.
            using var command = SlackRequests.Command("/slack/commands", SigningSecret, $"acme-crop-{suffix}");
            using var answer = await Http.SendAsync(WithBase(host, command));
            var body = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal($"No account `acme-crop-{suffix}` in workspace `default`. Did you mean `{account}`?", body["text"]!.GetValue<string>());

            Assert.Equal(0, await host.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
        }

        await using (var restarted = await HostProcess.StartDurableAsync("slack-2", ConnectionString, settings))
        {
            var state = await ClusterApi.EventuallyAsync(() => restarted.AccountAsync(account), "the account after the restart");
            Assert.Equal("ada", state["recent_alerts"]![0]!["acknowledged_by"]!.GetValue<string>());

            await restarted.PostEventsAsync(new { @event = "billing invoice paid", user_id = "billing", account_id = account });
            await ClusterApi.EventuallyAsync(
                async () => await restarted.AccountAsync(account) is { } a && a["billing"]!["status"]!.GetValue<string>() == "ok" ? a : null,
                "the payment");
            await restarted.PostEventsAsync(new { @event = "billing invoice payment failed", user_id = "billing", account_id = account });

            var second = (await _slack.WaitForMessagesAsync(2, TimeSpan.FromSeconds(30)))[1];
            Assert.Equal(first.Ts, second.ThreadTs);
            Assert.Equal(first.ChannelId, second.ChannelId);
        }
    }

    private static string Button(FakeSlackMessage message, string actionId) =>
        JsonNode.Parse(message.Blocks!.Value.GetRawText())!.AsArray()
            .Single(b => b!["type"]!.GetValue<string>() == "actions")!["elements"]!.AsArray()
            .Single(e => e!["action_id"]!.GetValue<string>() == actionId)!["value"]!.GetValue<string>();

    private static async Task<HttpStatusCode> SendAsync(HostProcess host, HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(WithBase(host, request));
        return response.StatusCode;
    }

    private static HttpRequestMessage WithBase(HostProcess host, HttpRequestMessage request)
    {
        request.RequestUri = new Uri(host.BaseAddress, request.RequestUri!);
        return request;
    }
}
