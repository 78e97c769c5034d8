using System.Text.Json;
using System.Text.Json.Nodes;
using IngestLayer.Webhooks;

namespace IngestLayer.EndToEndTests;

/// <summary>
/// A pipeline's webhook destination end to end: events in over HTTP, signed POSTs out to a Kestrel receiver on
/// loopback that verifies each with <see cref="StandardWebhookVerifier"/> and the secret the create response showed.
/// Each test uses event names of its own in the shared <c>pipes</c> workspace.
/// </summary>
[Collection(HostCollection.Name)]
public class WebhookDestinationTests(HostFixture host)
{
    private const string Ws = "pipes";

    private static object WebhookPipeline(string id, string eventName, string url, object? payload = null, string? secret = null) => new
    {
        id,
        match = eventName,
        steps = new object[] { new { enrich = new[] { "user", "account" } } },
        destinations = new object[] { payload is null ? new { type = "webhook", id = "crm", url, secret } : (object)new { type = "webhook", id = "crm", url, secret, payload } },
    };

    private static string NewEventName() => "hook " + Guid.NewGuid().ToString("N")[..10];

    private static string GeneratedSecret(JsonNode created)
    {
        var destination = created["destinations"]![0]!;
        Assert.True(destination["secret_set"]!.GetValue<bool>());
        var secret = destination["secret"]?.GetValue<string>();
        Assert.True(secret is not null && StandardWebhookSecret.TryParse(secret, out _), $"the create response shows no usable secret: {created.ToJsonString()}");
        return secret;
    }

    [Fact]
    public async Task a_delivery_is_signed_rendered_from_the_payload_template_and_retried_after_a_500_under_the_same_webhook_id()
    {
        await using var receiver = await HookReceiver.StartAsync();
        receiver.RespondNext(500);
        var (eventName, pipelineId) = (NewEventName(), Api.NewId("hook").ToLowerInvariant());
        var created = await host.CreatePipelineAsync(Ws, WebhookPipeline(pipelineId, eventName, receiver.BaseUrl + "/hooks/crm", new
        {
            type = "usage",
            text = "$user.email used $event.properties.what",
            account = new { id = "$account.id", plan = "$account.plan" },
            rows = "$event.properties.rows",
            what = "$event.properties.what",
            literal = "costs $$5",
        }));
        var secret = GeneratedSecret(created);
        var (account, user) = (Api.NewId("hook-acct"), Api.NewId("hook-user"));
        await host.IdentifyAsync(HostFixture.PipesKey, Ws, user, $"{user}@customer.example", account, "Hook Inc", "team");

        await host.PostEventsAsync(Api.Json(new { @event = eventName, user_id = user, account_id = account, message_id = "m-" + user, properties = new { what = "exports", rows = 1200 } }), HostFixture.PipesKey);

        // The first retry is 5 s ± 20% after the 500.
        var requests = await receiver.WaitForAsync(2, TimeSpan.FromSeconds(30));
        Assert.Equal(2, requests.Count);
        var (first, retry) = (requests[0], requests[1]);
        Assert.Equal((500, 200), (first.Answered, retry.Answered));
        Assert.All(requests, r => Assert.True(r.Verify(secret).IsVerified, $"signature not verified: {r.Verify(secret).Reason}"));
        Assert.False(first.Verify(StandardWebhookSecret.Generate().Reveal()).IsVerified);
        Assert.Equal(first.WebhookId, retry.WebhookId);
        Assert.Matches("^msg_pl_[0-9a-f]{32}$", first.WebhookId);
        Assert.Equal(first.Text, retry.Text);
        Assert.InRange(retry.At - first.At, TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(20));
        Assert.Equal("/hooks/crm", first.Path);

        using var body = JsonDocument.Parse(first.Body);
        var root = body.RootElement;
        Assert.Equal("usage", root.GetProperty("type").GetString());
        Assert.Equal($"{user}@customer.example used exports", root.GetProperty("text").GetString());
        Assert.Equal((account, "team"), (root.GetProperty("account").GetProperty("id").GetString(), root.GetProperty("account").GetProperty("plan").GetString()));
        Assert.Equal(1200, root.GetProperty("rows").GetInt32()); // a lone placeholder keeps the value's type
        Assert.Equal("exports", root.GetProperty("what").GetString());
        Assert.Equal("costs $5", root.GetProperty("literal").GetString());

        var status = await host.PipelineStatusWhenAsync(Ws, pipelineId, s => s.Stat("delivered") == 1 && s.Stat("matched") == 1, "1 matched and 1 delivered");
        Assert.Equal((0L, 0L, 0L), (status.Stat("failed"), status.Stat("pending"), status.Stat("filtered_out")));
        Assert.Empty(status["last_errors"]!.AsArray());
        var (_, alerts) = await host.OpsGetAsync($"/ops/alerts?workspace={Ws}&rule={pipelineId}");
        var delivery = Assert.Single(alerts!.AsArray())!;
        Assert.Equal(("sent", 2, "pipeline"), (delivery["status"]!.GetValue<string>(), delivery["attempts"]!.GetValue<int>(), delivery["alert"]!["signal"]!.GetValue<string>()));
        Assert.Equal("msg_" + delivery["alert"]!["alert_id"]!.GetValue<string>(), first.WebhookId);
    }

    [Fact]
    public async Task without_a_payload_template_the_event_is_posted_with_its_enrichment()
    {
        await using var receiver = await HookReceiver.StartAsync();
        var (eventName, pipelineId) = (NewEventName(), Api.NewId("hook").ToLowerInvariant());
        var secret = GeneratedSecret(await host.CreatePipelineAsync(Ws, WebhookPipeline(pipelineId, eventName, receiver.BaseUrl + "/in")));
        var (account, user) = (Api.NewId("hook-acct"), Api.NewId("hook-user"));
        await host.IdentifyAsync(HostFixture.PipesKey, Ws, user, $"{user}@customer.example", account, "Hook Inc", "free");

        await host.PostEventsAsync(Api.Json(new { @event = eventName, user_id = user, account_id = account, message_id = "m-" + user, properties = new { n = 1 } }), HostFixture.PipesKey);

        var received = Assert.Single(await receiver.WaitForAsync(1));
        Assert.True(received.Verify(secret).IsVerified, received.Verify(secret).Reason);
        using var body = JsonDocument.Parse(received.Body);
        var root = body.RootElement;
        Assert.Equal(("pipeline.event", pipelineId), (root.GetProperty("type").GetString(), root.GetProperty("pipeline").GetString()));
        Assert.Equal((eventName, "m-" + user, account), (root.GetProperty("event").GetProperty("name").GetString(), root.GetProperty("event").GetProperty("message_id").GetString(), root.GetProperty("event").GetProperty("account_id").GetString()));
        Assert.Equal(1, root.GetProperty("event").GetProperty("properties").GetProperty("n").GetInt32());
        Assert.Equal($"{user}@customer.example", root.GetProperty("user").GetProperty("email").GetString());
        Assert.Equal(("Hook Inc", "free"), (root.GetProperty("account").GetProperty("name").GetString(), root.GetProperty("account").GetProperty("plan").GetString()));
    }

    [Fact]
    public async Task a_receiver_answering_4xx_fails_the_delivery_once_and_the_pipeline_shows_it_with_a_hint()
    {
        await using var receiver = await HookReceiver.StartAsync();
        receiver.RespondNext(400);
        var (eventName, pipelineId) = (NewEventName(), Api.NewId("hook").ToLowerInvariant());
        await host.CreatePipelineAsync(Ws, WebhookPipeline(pipelineId, eventName, receiver.BaseUrl + "/refuses"));

        await host.PostEventsAsync(Api.Json(new { @event = eventName, user_id = "u-refused", account_id = Api.NewId("refused") }), HostFixture.PipesKey);

        var status = await host.PipelineStatusWhenAsync(Ws, pipelineId, s => s.Stat("failed") == 1, "1 failed delivery");
        Assert.Equal((0L, 0L), (status.Stat("delivered"), status.Stat("pending")));
        var error = Assert.Single(status["last_errors"]!.AsArray())!;
        Assert.Equal(("crm", "HTTP 400."), (error["destination"]!.GetValue<string>(), error["error"]!.GetValue<string>()));
        Assert.Contains("refused the request", error["hint"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("pl_", error["delivery_id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(receiver.Requests); // a 4xx is not retried
    }

    [Fact]
    public async Task a_put_without_the_secret_keeps_it_and_deliveries_still_verify_with_the_original()
    {
        await using var receiver = await HookReceiver.StartAsync();
        var (eventName, pipelineId) = (NewEventName(), Api.NewId("hook").ToLowerInvariant());
        var secret = GeneratedSecret(await host.CreatePipelineAsync(Ws, WebhookPipeline(pipelineId, eventName, receiver.BaseUrl + "/v1")));

        // A read-modify-write: the GET shows no secret, so the PUT cannot send it back.
        var read = await host.OpsAsync(HttpMethod.Get, $"/ops/pipelines/{pipelineId}?workspace={Ws}");
        Assert.DoesNotContain(secret, read.Text, StringComparison.Ordinal);
        var changed = await host.OpsAsync(HttpMethod.Put, $"/ops/pipelines/{pipelineId}?workspace={Ws}", Api.Json(new
        {
            version = 1,
            match = eventName,
            destinations = new object[] { new { type = "webhook", id = "crm", url = receiver.BaseUrl + "/v2", payload = new { v = 2, name = "$event.name" } } },
        }));
        Assert.Equal(200, changed.Status);
        Assert.Equal(2, changed.Body!["version"]!.GetValue<int>());
        Assert.True(changed.Body["destinations"]![0]!["secret_set"]!.GetValue<bool>());
        Assert.Null(changed.Body["destinations"]![0]!["secret"]);
        Assert.DoesNotContain("whsec_", changed.Text, StringComparison.Ordinal);

        await host.PostEventsAsync(Api.Json(new { @event = eventName, user_id = "u-rotated", account_id = Api.NewId("kept") }), HostFixture.PipesKey);

        var received = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal("/v2", received.Path);
        Assert.True(received.Verify(secret).IsVerified, received.Verify(secret).Reason);
        Assert.Equal($$"""{"v":2,"name":"{{eventName}}"}""", received.Text);
    }
}
