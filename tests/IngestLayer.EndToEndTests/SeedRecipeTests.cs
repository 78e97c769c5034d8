using System.Text;
using System.Text.Json;

namespace IngestLayer.EndToEndTests;

/// <summary>The seed recipe end to end: events in over HTTP, alerts out to the owner's Slack channel.</summary>
[Collection(HostCollection.Name)]
public class SeedRecipeTests(HostFixture host)
{
    private async Task<string> FreeAccountOwnedByAsync(string channel, string? plan = "free")
    {
        var account = Api.NewId("acme");
        host.Slack.AddChannel(channel);
        using var csv = new StringContent($"account_id,owner,slack_channel\n{account},ada@vendor.example,{channel}\n", Encoding.UTF8, "text/csv");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ops/owners/import") { Content = csv };
        request.Headers.Authorization = HostFixture.Bearer(HostFixture.AdminToken);
        using var response = await host.Http.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);

        // The plan and name come from a Segment group call, as a product would send them.
        using var group = await host.PostJsonAsync("/v1/group", Api.Json(new { userId = "founder-" + account, groupId = account, traits = new { name = "Acme Inc", plan } }));
        Assert.Equal(200, (int)group.StatusCode);
        return account;
    }

    private static string FeatureUsed(string account, string user, string feature, string? messageId = null) =>
        Api.Json(new { @event = "feature.used", user_id = user, account_id = account, message_id = messageId, properties = new { feature, count = 1 } });

    private static IEnumerable<string> Texts(JsonElement? blocks) =>
        blocks is { } b ? b.EnumerateArray().Select(block => block.GetRawText()) : [];

    [Fact]
    public async Task a_free_plan_using_a_paid_feature_alerts_the_owner_once_with_the_evidence()
    {
        var channel = "#ada-" + Guid.NewGuid().ToString("N")[..6];
        var account = await FreeAccountOwnedByAsync(channel);

        await host.PostEventsAsync(FeatureUsed(account, "ada", "csv.export"));

        var message = await Api.EventuallyAsync(
            () => Task.FromResult(host.Slack.Messages.FirstOrDefault(m => m.Channel == channel)),
            $"an expansion alert in {channel}");
        var blocks = string.Join("\n", Texts(message.Blocks));
        Assert.Contains("Expansion: free plan using a paid feature", blocks);
        Assert.Contains("Acme Inc", blocks);
        Assert.Contains(account, blocks);
        Assert.Contains("csv.export", blocks);
        Assert.Contains("1 in 24h", blocks);
        Assert.Contains("ada@vendor.example", blocks);
        Assert.Contains("free", message.Text);

        // A second use inside the cooldown sends nothing: the next message in the channel is the risk alert.
        await host.PostEventsAsync(FeatureUsed(account, "ada", "csv.export"));
        await host.PostEventsAsync(Api.Json(new { @event = "billing invoice payment failed", user_id = "billing", account_id = account, properties = new { amount = 49, currency = "usd" } }));

        // The same account's second alert of the day is a reply in the first one's thread, posted to the channel's id.
        var messages = await Api.EventuallyAsync(
            () => Task.FromResult(host.Slack.Messages.Where(m => m.ChannelId == host.Slack.ChannelId(channel)).ToList() is { Count: >= 2 } list ? list : null),
            $"a second message in {channel}");
        Assert.Equal(2, messages.Count);
        Assert.Equal(message.Ts, messages[1].ThreadTs);
        var risk = string.Join("\n", Texts(messages[1].Blocks));
        Assert.Contains("Risk: invoice payment failed", risk);
        Assert.Contains("49 USD", risk);

        // Slack has the messages; the outbox records them as sent once each attempt completes.
        var state = await Api.EventuallyAsync(
            async () => await host.AccountAsync(account) is var s && s["alerts"]!.AsArray().All(a => a!["status"]!.GetValue<string>() == "sent") ? s : null,
            $"both alerts of {account} recorded as sent");
        Assert.Equal(2, state["account"]!["features"]!["csv.export"]!["24h"]!.GetValue<long>());
        Assert.Equal("payment_failed", state["account"]!["billing"]!["status"]!.GetValue<string>());
        var alerts = state["alerts"]!.AsArray();
        Assert.Equal(2, alerts.Count);
        Assert.All(alerts, a => Assert.Equal("sent", a!["status"]!.GetValue<string>()));
        Assert.All(alerts, a => Assert.False(string.IsNullOrEmpty(a!["slack_ts"]?.GetValue<string>())));
    }

    [Fact]
    public async Task a_rate_limited_post_is_retried_after_retry_after()
    {
        var channel = "#rl-" + Guid.NewGuid().ToString("N")[..6];
        var account = await FreeAccountOwnedByAsync(channel);
        host.Slack.RateLimitNext(1, retryAfterSeconds: 1);

        await host.PostEventsAsync(FeatureUsed(account, "ada", "api.access"));

        var sent = await host.AlertStatusAsync(account, "sent");
        var calls = host.Slack.Calls.Where(c => c.Channel == channel).ToList();
        Assert.Equal([429, 200], calls.Select(c => c.StatusCode));
        Assert.True(calls[1].ReceivedAt - calls[0].ReceivedAt >= TimeSpan.FromSeconds(0.9), "the retry came before Retry-After elapsed");
        Assert.Equal(channel, sent["channel"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_private_channel_the_bot_is_not_in_fails_the_alert_with_the_reason_and_a_hint()
    {
        var channel = "#private-" + Guid.NewGuid().ToString("N")[..6];
        var account = await FreeAccountOwnedByAsync(channel);
        host.Slack.AddChannel(channel, botIsMember: false, isPrivate: true);

        await host.PostEventsAsync(FeatureUsed(account, "ada", "csv.export"));

        var failed = await host.AlertStatusAsync(account, "failed");
        Assert.Equal("not_in_channel", failed["error"]!.GetValue<string>());
        Assert.Contains("/invite", failed["hint"]!.GetValue<string>());
        Assert.Equal(1, host.Slack.Calls.Count(c => c.Channel == channel && c.Method == "chat.postMessage"));
    }

    [Fact]
    public async Task an_account_without_an_owner_channel_alerts_the_default_channel()
    {
        var account = Api.NewId("orphan");
        await host.PostEventsAsync(Api.Json(new { events = new object[]
        {
            new { @event = "billing invoice payment failed", user_id = "u-" + account, account_id = account },
        } }));

        var sent = await host.AlertStatusAsync(account, "sent");
        Assert.Equal("#default-alerts", sent["channel"]!.GetValue<string>());
        Assert.Equal("payment_failed", sent["alert"]!["signal"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_repeated_message_id_is_stored_and_counted_once()
    {
        var account = Api.NewId("dedupe");
        var body = Api.Json(new { @event = "report exported", user_id = "u1", account_id = account, message_id = "msg-" + account });

        var first = await host.PostEventsAsync(body);
        var second = await host.PostEventsAsync(body);

        Assert.Equal((1, 0), (first["accepted"]!.GetValue<int>(), first["duplicates"]!.GetValue<int>()));
        Assert.Equal((1, 1), (second["accepted"]!.GetValue<int>(), second["duplicates"]!.GetValue<int>()));
        var state = await host.AccountAsync(account);
        Assert.Equal(1, state["account"]!["events"]!["report exported"]!["24h"]!.GetValue<long>());
    }

    [Fact]
    public async Task workspaces_never_share_state()
    {
        var account = Api.NewId("shared-id");
        await host.PostEventsAsync(Api.Json(new { @event = "a", user_id = "u1", account_id = account }));
        await host.PostEventsAsync(Api.Json(new { @event = "b", user_id = "u1", account_id = account }), HostFixture.OtherWorkspaceKey);

        var main = await host.AccountAsync(account);
        var other = await host.AccountAsync(account, "other");
        Assert.Equal(["a"], main["account"]!["events"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["b"], other["account"]!["events"]!.AsObject().Select(p => p.Key));
    }
}
