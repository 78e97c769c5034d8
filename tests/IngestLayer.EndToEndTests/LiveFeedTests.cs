using System.Net.Sockets;
using System.Text;
using IngestLayer.Contracts.Live;
using Microsoft.Extensions.DependencyInjection;

namespace IngestLayer.EndToEndTests;

/// <summary>The live feeds over HTTP: server-sent events of applied events and raised alerts, per account and per owner.</summary>
[Collection(HostCollection.Name)]
public class LiveFeedTests(HostFixture host)
{
    private static string FeatureUsed(string account, string user, string feature, string? plan = null, string? messageId = null) =>
        Api.Json(new { @event = "feature.used", user_id = user, account_id = account, message_id = messageId, properties = new { feature, count = 1, plan } });

    private async Task ImportOwnersAsync(IEnumerable<(string Account, string Owner)> rows)
    {
        var csv = "account_id,owner,slack_channel\n" + string.Concat(rows.Select(r => $"{r.Account},{r.Owner},\n"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ops/owners/import") { Content = new StringContent(csv, Encoding.UTF8, "text/csv") };
        request.Headers.Authorization = HostFixture.Bearer(HostFixture.AdminToken);
        using var response = await host.Http.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
    }

    private static async Task<SseFrame> ReadyAsync(LiveFeedReader feed)
    {
        Assert.Equal(200, (int)feed.Response.StatusCode);
        Assert.Equal("text/event-stream", feed.Response.Content.Headers.ContentType?.MediaType);
        var ready = await feed.NextAsync("the ready line");
        Assert.Equal("ready", ready.Type);
        return ready;
    }

    [Fact]
    public async Task an_account_feed_shows_each_applied_event_and_the_alert_it_raised()
    {
        var account = Api.NewId("live");
        await using var feed = await LiveFeedReader.OpenAsync(host, $"/ops/accounts/{account}/live");
        var ready = await ReadyAsync(feed);
        Assert.Equal(account, ready.Data!["account_id"]!.GetValue<string>());
        Assert.Equal("account", ready.Data!["feed"]!.GetValue<string>());

        // A free plan using a paid feature: the event, then the alert it raised.
        var messageId = "m-" + account;
        await host.PostEventsAsync(FeatureUsed(account, "ada", "csv.export", plan: "free", messageId: messageId));

        var frames = await feed.UntilAsync("alert", _ => true, $"the alert of {account}");
        var e = Assert.Single(frames, f => f.Type == "event").Data!;
        Assert.Equal("feature.used", e["name"]!.GetValue<string>());
        Assert.Equal("track", e["kind"]!.GetValue<string>());
        Assert.Equal("csv.export", e["feature"]!.GetValue<string>());
        Assert.Equal("ada", e["user_id"]!.GetValue<string>());
        Assert.Equal(account, e["account_id"]!.GetValue<string>());
        Assert.Equal("free", e["plan"]!.GetValue<string>());
        Assert.Equal("default", e["workspace"]!.GetValue<string>());
        Assert.Equal(messageId, e["message_id"]!.GetValue<string>());
        Assert.Equal("csv.export", e["properties"]!["feature"]!.GetValue<string>());
        Assert.False(e["properties_truncated"]!.GetValue<bool>());

        var alert = frames[^1].Data!;
        Assert.Equal("paid_feature_on_free_plan", alert["signal"]!.GetValue<string>());
        Assert.Equal("paid_feature_on_free_plan", alert["rule"]!.GetValue<string>());
        Assert.Equal(account, alert["account_id"]!.GetValue<string>());
        Assert.Equal("csv.export", alert["subject"]!.GetValue<string>());
        Assert.Equal("expansion", alert["category"]!.GetValue<string>());
        Assert.NotEmpty(alert["evidence"]!.AsArray());

        // The same alert is the one in the outbox: the feed shows what is delivered, not a copy of its own.
        var outboxed = await host.AlertStatusAsync(account, "sent");
        Assert.Equal(outboxed["alert"]!["alert_id"]!.GetValue<string>(), alert["alert_id"]!.GetValue<string>());

        // An idle feed says it is alive (the fixture's heartbeat is 2 s).
        var heartbeat = await feed.NextAsync("a heartbeat", TimeSpan.FromSeconds(10));
        Assert.Equal("comment", heartbeat.Type);
        Assert.Equal("heartbeat", heartbeat.Raw);
    }

    [Fact]
    public async Task an_owner_feed_shows_the_accounts_of_that_owner_only()
    {
        var (owner, other) = (Api.NewId("ada") + "@vendor.example", Api.NewId("bob") + "@vendor.example");
        var (mine1, mine2, theirs) = (Api.NewId("own"), Api.NewId("own"), Api.NewId("other"));
        await ImportOwnersAsync([(mine1, owner), (mine2, owner), (theirs, other)]);

        await using var feed = await LiveFeedReader.OpenAsync(host, $"/ops/owners/{Uri.EscapeDataString(owner)}/live");
        var ready = await ReadyAsync(feed);
        Assert.Equal(owner, ready.Data!["owner"]!.GetValue<string>());

        // The other owner's account first, applied before the owner's own are sent (an ops read waits for it).
        await host.PostEventsAsync(FeatureUsed(theirs, "bob", "reports.view"));
        Assert.Equal(1, (await host.AccountAsync(theirs))["account"]!["events_applied"]!.GetValue<long>());
        await host.PostEventsAsync(Api.Json(new
        {
            events = new[]
            {
                new { @event = "feature.used", user_id = "ada1", account_id = mine1, properties = new { feature = "reports.view" } },
                new { @event = "feature.used", user_id = "ada2", account_id = mine2, properties = new { feature = "dashboards.view" } },
            },
        }));

        var seen = new HashSet<string>();
        var frames = await feed.UntilAsync("event", d => seen.Add(d["account_id"]!.GetValue<string>()) && seen.Count == 2, $"events of {mine1} and {mine2}");
        var events = frames.Where(f => f.Type == "event").Select(f => f.Data!).ToList();
        Assert.Equal(new[] { mine1, mine2 }.Order(), events.Select(d => d["account_id"]!.GetValue<string>()).Order());
        Assert.All(events, d => Assert.Equal(owner, d["owner"]!.GetValue<string>()));
        Assert.DoesNotContain(frames, f => f.Raw.Contains(theirs, StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_filter_lets_through_only_matching_events_and_alerts()
    {
        var account = Api.NewId("filt");
        var filter = Uri.EscapeDataString("feature == \"csv.export\" or properties.severity == \"critical\"");
        await using var feed = await LiveFeedReader.OpenAsync(host, $"/ops/accounts/{account}/live?filter={filter}");
        var ready = await ReadyAsync(feed);
        Assert.Contains("csv.export", ready.Data!["filter"]!.GetValue<string>());

        // Pro plan: the paid feature raises no alert; the failed payment raises a critical one.
        await host.PostEventsAsync(Api.Json(new
        {
            events = new object[]
            {
                new { @event = "feature.used", user_id = "u1", account_id = account, properties = new { feature = "dashboards.view", plan = "pro" } },
                new { @event = "feature.used", user_id = "u1", account_id = account, properties = new { feature = "csv.export", plan = "pro" } },
                new { @event = "feature.used", user_id = "u2", account_id = account, properties = new { feature = "reports.view", plan = "pro" } },
                new { @event = "billing invoice payment failed", user_id = "billing", account_id = account, properties = new { amount = 49, currency = "usd" } },
            },
        }));

        var frames = await feed.UntilAsync("alert", _ => true, $"the payment alert of {account}");
        var events = frames.Where(f => f.Type == "event").Select(f => f.Data!).ToList();
        var only = Assert.Single(events);
        Assert.Equal("csv.export", only["feature"]!.GetValue<string>());
        var alert = frames[^1].Data!;
        Assert.Equal("payment_failed", alert["signal"]!.GetValue<string>());
        Assert.Equal("critical", alert["severity"]!.GetValue<string>());

        // The account grain applied all four: the filter is the subscriber's, not ingestion's.
        Assert.Equal(4, (await host.AccountAsync(account))["account"]!["events_applied"]!.GetValue<long>());
    }

    [Fact]
    public async Task a_filter_that_does_not_compile_is_refused_naming_the_column()
    {
        var (status, body) = await host.OpsGetAsync("/ops/accounts/acme/live?filter=" + Uri.EscapeDataString("feature == \"csv.export\" and"));
        Assert.Equal(400, status);
        Assert.Equal("Invalid filter", body!["title"]!.GetValue<string>());
        Assert.Equal(28, body["column"]!.GetValue<int>());
        Assert.Contains("column 28", body["detail"]!.GetValue<string>());

        (status, body) = await host.OpsGetAsync("/ops/owners/ada/live?filter=" + Uri.EscapeDataString("acount.plan == \"free\""));
        Assert.Equal(400, status);
        Assert.Contains("unknown field \"acount.plan\"", body!["detail"]!.GetValue<string>());
        Assert.Equal(1, body["column"]!.GetValue<int>());

        using var anonymous = await host.Http.GetAsync("/ops/accounts/acme/live");
        Assert.Equal(401, (int)anonymous.StatusCode);
    }

    [Fact]
    public async Task a_subscriber_that_stops_reading_is_dropped_while_ingestion_goes_on()
    {
        var owner = Api.NewId("slow") + "@vendor.example";
        var accounts = Enumerable.Range(0, 50).Select(_ => Api.NewId("slow")).ToArray();
        await ImportOwnersAsync(accounts.Select(a => (a, owner)));
        var watchKey = LiveStreams.OwnerKey("default", owner);
        var watches = host.Services.GetRequiredService<LiveWatchCache>();

        // A client with a tiny receive window that reads the answer's head and then nothing more.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var request = $"GET /ops/owners/{Uri.EscapeDataString(owner)}/live HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\nAuthorization: Bearer {HostFixture.AdminToken}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var received = new StringBuilder();
        await ReadUntilAsync(stream, received, "event: ready", TimeSpan.FromSeconds(15));
        Assert.True(watches.IsWatched(watchKey));

        // Requests of one event per account, each with ~2 KB of properties, until the socket buffers and then the
        // feed's buffer (100 batches in the fixture) are full and it is dropped: it lets go of its stream (the watch
        // ends) at once, whatever it was writing.
        var padding = new string('x', 1_900);
        var posted = 0;
        while (watches.IsWatched(watchKey))
        {
            Assert.True(posted < 200, $"the slow subscriber of {owner} was not dropped after {posted} requests");
            var body = Api.Json(new { events = accounts.Select(a => new { @event = "report.exported", user_id = "u-" + a, account_id = a, properties = new { padding, posted } }) });
            var answer = await host.PostEventsAsync(body);
            Assert.Equal(accounts.Length, answer["accepted"]!.GetValue<int>());
            posted++;

            // Paced by the grains (an ops read waits for what was acknowledged), so the feed sees each request applied.
            await host.AccountAsync(accounts[^1]);
        }

        // Reading again, the client gets what was already in flight and then the final line.
        await ReadUntilAsync(stream, received, "event: dropped", TimeSpan.FromSeconds(30));
        Assert.Contains("fell 100 batches behind", received.ToString());

        // Ingestion never waited for it: every event is applied.
        foreach (var account in accounts.Take(3))
        {
            Assert.Equal(posted, (await host.AccountAsync(account))["account"]!["events_applied"]!.GetValue<long>());
        }
    }

    private static async Task ReadUntilAsync(NetworkStream stream, StringBuilder received, string text, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        try
        {
            while (!received.ToString().Contains(text, StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer, cts.Token);
                if (n == 0)
                {
                    throw new InvalidOperationException($"The connection closed before '{text}' arrived.");
                }

                received.Append(Encoding.UTF8.GetString(buffer, 0, n));
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            var tail = received.ToString()[^Math.Min(received.Length, 400)..];
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds}s waiting for '{text}' on the slow feed; {received.Length} chars received, ending: {tail}");
        }
    }
}
