using System.Diagnostics;
using IngestLayer.Slack;
using IngestLayer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IngestLayer.SlackTests;

/// <summary>The typed client, registered as <c>AddSlackAlerts</c> does, against the fake Slack over loopback.</summary>
public sealed class SlackClientTests : IAsyncLifetime
{
    private FakeSlack _slack = null!;

    public async Task InitializeAsync() =>
        _slack = await FakeSlack.StartAsync(o => o.ChannelsWithoutBot.Add("sales-private"));

    public async Task DisposeAsync() => await _slack.DisposeAsync();

    [Fact]
    public async Task a_message_is_posted_with_the_bearer_token_and_block_kit_blocks_holding_the_evidence()
    {
        using var services = TestServices.Build(_slack.BaseUrl, _slack.BotToken);
        var message = new AlertMessageRenderer().Render(SampleAlerts.PaidFeatureOnFreePlan(), "#alerts");

        var result = await Client(services).PostMessageAsync(message, CancellationToken.None);

        Assert.Equal(new SlackPostResult.Ok("1700000000.000100", _slack.ChannelId("alerts")), result);
        var call = Assert.Single(_slack.Calls);
        Assert.Equal("chat.postMessage", call.Method);
        Assert.Equal(_slack.BotToken, call.BearerToken);
        Assert.Equal("application/json; charset=utf-8", call.ContentType);

        var posted = Assert.Single(_slack.Messages);
        Assert.Equal("#alerts", posted.Channel);
        Assert.Equal(message.Text, posted.Text);
        Assert.Null(posted.ThreadTs);
        var blocks = posted.Blocks!.Value;
        Assert.Equal(["header", "section", "section", "context"], blocks.EnumerateArray().Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("plain_text", blocks[0].GetProperty("text").GetProperty("type").GetString());
        Assert.Equal("Expansion: free plan using a paid feature", blocks[0].GetProperty("text").GetProperty("text").GetString());
        Assert.Equal(
            [
                "*Account*\nGlobex (`acc_42`)",
                "*Plan*\nfree",
                "*Owner*\ndana@vendor.example",
                "*Subject*\n`csv.export`",
                "*Plan*\nfree",
                "*csv.export uses*\n3 in 24h · 5 in 7d · 5 in 28d",
                "*Used by*\nuser_7",
                "*Active users (7d)*\n4",
            ],
            blocks[2].GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task a_thread_ts_is_sent_as_thread_ts()
    {
        using var services = TestServices.Build(_slack.BaseUrl, _slack.BotToken);
        var message = new SlackMessage("alerts", "reply", [], ThreadTs: "1700000000.000100");

        var result = await Client(services).PostMessageAsync(message, CancellationToken.None);

        Assert.IsType<SlackPostResult.Ok>(result);
        Assert.Equal("1700000000.000100", Assert.Single(_slack.Messages).ThreadTs);
    }

    [Fact]
    public async Task a_wrong_token_is_a_permanent_invalid_auth()
    {
        using var services = TestServices.Build(_slack.BaseUrl, "xoxb-not-the-right-one");

        var result = await Client(services).PostMessageAsync(Message("alerts"), CancellationToken.None);

        Assert.Equal(new SlackPostResult.Permanent("invalid_auth"), result);
        Assert.Equal("invalid_auth", Assert.Single(_slack.Calls).Error);
        Assert.Empty(_slack.Messages);
    }

    [Fact]
    public async Task without_a_token_nothing_is_sent_and_the_result_is_not_authed()
    {
        using var services = TestServices.Build(_slack.BaseUrl, botToken: null);

        var result = await Client(services).PostMessageAsync(Message("alerts"), CancellationToken.None);

        Assert.Equal(new SlackPostResult.Permanent("not_authed", "Slack:BotToken is not configured."), result);
        Assert.Empty(_slack.Calls);
    }

    [Fact]
    public async Task an_unknown_channel_is_a_permanent_channel_not_found()
    {
        using var services = TestServices.Build(_slack.BaseUrl, _slack.BotToken);

        var result = await Client(services).PostMessageAsync(Message("#no-such-channel"), CancellationToken.None);

        Assert.Equal(new SlackPostResult.Permanent("channel_not_found"), result);
    }

    [Fact]
    public async Task a_channel_without_the_bot_is_a_permanent_not_in_channel()
    {
        using var services = TestServices.Build(_slack.BaseUrl, _slack.BotToken);

        var result = await Client(services).PostMessageAsync(Message("sales-private"), CancellationToken.None);

        Assert.Equal(new SlackPostResult.Permanent("not_in_channel"), result);
    }

    [Fact]
    public async Task one_429_with_retry_after_1_is_retried_in_call_after_a_second_and_then_succeeds()
    {
        using var services = TestServices.Build(_slack.BaseUrl, _slack.BotToken);
        _slack.RateLimitNext(1, retryAfterSeconds: 1);

        var result = await Client(services).PostMessageAsync(Message("alerts"), CancellationToken.None);

        Assert.Equal(new SlackPostResult.Ok("1700000000.000100", _slack.ChannelId("alerts")), result);
        var calls = _slack.Calls;
        Assert.Equal([429, 200], calls.Select(c => c.StatusCode));
        // Retry-After is honoured as is (no jitter); allow for the two clocks' reading granularity.
        Assert.InRange(calls[1].ReceivedAt - calls[0].ReceivedAt, TimeSpan.FromMilliseconds(980), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task a_long_retry_after_is_returned_as_rate_limited_instead_of_waited_out()
    {
        using var services = TestServices.Build(_slack.BaseUrl, _slack.BotToken);
        _slack.RateLimitNext(1, retryAfterSeconds: 30);
        var stopwatch = Stopwatch.StartNew();

        var result = await Client(services).PostMessageAsync(Message("alerts"), CancellationToken.None);

        Assert.Equal(new SlackPostResult.RateLimited(TimeSpan.FromSeconds(30)), result);
        Assert.Single(_slack.Calls);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"The call took {stopwatch.Elapsed}.");
    }

    [Fact]
    public async Task a_persistent_503_is_transient_after_two_in_call_retries()
    {
        using var services = TestServices.Build(_slack.BaseUrl, _slack.BotToken);
        _slack.ServerErrorNext(3, statusCode: 503);

        var result = await Client(services).PostMessageAsync(Message("alerts"), CancellationToken.None);

        Assert.Equal(new SlackPostResult.Transient("http_503"), result);
        Assert.Equal([503, 503, 503], _slack.Calls.Select(c => c.StatusCode));
        Assert.Empty(_slack.Messages);
    }

    [Theory]
    [InlineData("internal_error")]
    [InlineData("ratelimited")]
    [InlineData("service_unavailable")]
    public async Task an_ok_false_outage_error_is_transient_and_left_to_the_outbox(string error)
    {
        using var services = TestServices.Build(_slack.BaseUrl, _slack.BotToken);
        _slack.SlackErrorNext(1, error);

        var result = await Client(services).PostMessageAsync(Message("alerts"), CancellationToken.None);

        Assert.Equal(new SlackPostResult.Transient(error), result);
        Assert.Single(_slack.Calls);
    }

    [Fact]
    public async Task a_refused_connection_is_transient()
    {
        // Take a free port and release it, so nothing listens there.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var services = TestServices.Build($"http://127.0.0.1:{port}/api/", _slack.BotToken);

        var result = await Client(services).PostMessageAsync(Message("alerts"), CancellationToken.None);

        Assert.Equal(new SlackPostResult.Transient("network_error"), result);
    }

    [Fact]
    public async Task a_standard_resilience_handler_added_to_every_client_does_not_wrap_the_slack_client()
    {
        // Service defaults commonly do this; it would wait out a 30 s Retry-After inside the call.
        using var services = TestServices.Build(
            _slack.BaseUrl, _slack.BotToken, configure: s => s.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler()));
        _slack.RateLimitNext(1, retryAfterSeconds: 30);

        var result = await Client(services).PostMessageAsync(Message("alerts"), CancellationToken.None);

        Assert.Equal(new SlackPostResult.RateLimited(TimeSpan.FromSeconds(30)), result);
        Assert.Single(_slack.Calls);
    }

    private static SlackClient Client(IServiceProvider services) => services.GetRequiredService<SlackClient>();

    private static SlackMessage Message(string channel) =>
        new(channel, "hello", [new SectionBlock(SlackText.Mrkdwn("hello"))]);
}
