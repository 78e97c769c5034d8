using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using IngestLayer.Webhooks;

namespace IngestLayer.EndToEndTests;

/// <summary>
/// <c>POST /v1/webhooks/{sourceId}</c> through the real host: sources made with the ops API, requests signed as
/// Standard Webhooks and Stripe sign them, Stripe-shaped billing events all the way to a risk alert in Slack.
/// Each test has a workspace of its own, so its rules and sources touch no other test.
/// </summary>
[Collection(HostCollection.Name)]
public class WebhookIngressTests(HostFixture host)
{
    private const string CrmSource = """
        {"name": "CRM", "scheme": "standard_webhooks",
         "mapping": {"event": "$.event", "account": "$.org.id", "id": "$.id", "names": {"deal.won": "crm deal won"}, "unmapped": "ignore"}}
        """;

    private static string NewWorkspace() => "wh-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<(int Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = HostFixture.Bearer(HostFixture.AdminToken);
        using var response = await host.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, body.Length == 0 ? null : JsonNode.Parse(body));
    }

    private async Task<(string Id, IReadOnlyList<string> Secrets)> CreateSourceAsync(string workspace, string json)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, $"/ops/webhook-sources?workspace={workspace}", json);
        Assert.True(status == 201, $"POST /ops/webhook-sources answered {status}: {body?.ToJsonString()}");
        return (body!["id"]!.GetValue<string>(), body["secrets"]?.AsArray().Select(s => s!.GetValue<string>()).ToList() ?? []);
    }

    private async Task<(int Status, JsonNode? Body)> PostWebhookAsync(string sourceId, byte[] body, Action<HttpRequestHeaders> sign)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/" + sourceId) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        sign(request.Headers);
        using var response = await host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static Action<HttpRequestHeaders> StandardSigned(string secret, string messageId, byte[] body, DateTimeOffset? at = null) => headers =>
    {
        var timestamp = at ?? DateTimeOffset.UtcNow;
        headers.Add(StandardWebhookHeaders.Id, messageId);
        headers.Add(StandardWebhookHeaders.Timestamp, timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        headers.Add(StandardWebhookHeaders.Signature, new StandardWebhookSigner(StandardWebhookSecret.Parse(secret)).Sign(messageId, timestamp, body));
    };

    /// <summary>As Stripe signs: <c>t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256 of "t.body" keyed with the secret's UTF-8&gt;</c>, one v1 per secret.</summary>
    private static Action<HttpRequestHeaders> StripeSigned(byte[] body, params string[] secrets) => headers =>
    {
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signed = Encoding.UTF8.GetBytes(t + ".").Concat(body).ToArray();
        var v1 = secrets.Select(s => "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(s), signed)));
        headers.Add(StripeSignatureVerifier.HeaderName, string.Join(",", [$"t={t}", .. v1]));
    };

    private static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    private static string StripeEvent(string type, string obj) =>
        $$$"""{"id": "evt_{{{Guid.NewGuid():N}}}", "object": "event", "api_version": "2024-06-20", "type": "{{{type}}}", "created": {{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}}, "livemode": false, "data": {"object": {{{obj}}}}}""";

    private async Task<string> OwnedAccountAsync(string workspace, string channel)
    {
        var account = Api.NewId("acme");
        host.Slack.AddChannel(channel);
        using var csv = new StringContent($"account_id,owner,slack_channel\n{account},ada@vendor.example,{channel}\n", Encoding.UTF8, "text/csv");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/ops/owners/import?workspace={workspace}") { Content = csv };
        request.Headers.Authorization = HostFixture.Bearer(HostFixture.AdminToken);
        using var response = await host.Http.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        return account;
    }

    private Task<JsonNode> EventCountAsync(string workspace, string account, string name, long expected) =>
        Api.EventuallyAsync(
            async () =>
            {
                var (status, body) = await host.OpsGetAsync($"/ops/accounts/{account}?workspace={workspace}");
                return status == 200 && body!["account"]!["events"]?[name]?["24h"]?.GetValue<long>() == expected ? body : null;
            },
            $"{expected} '{name}' events on {account}");

    [Fact]
    public async Task a_standard_webhooks_request_is_stored_once_and_its_replay_is_accepted_as_a_duplicate()
    {
        var ws = NewWorkspace();
        var (id, secrets) = await CreateSourceAsync(ws, CrmSource);
        var account = Api.NewId("org");
        var body = Utf8($$$"""{"id": "d-1", "event": "deal.won", "org": {"id": "{{{account}}}"}, "deal": {"amount": 1200}}""");

        var first = await PostWebhookAsync(id, body, StandardSigned(secrets[0], "msg_deal_1", body));
        var replay = await PostWebhookAsync(id, body, StandardSigned(secrets[0], "msg_deal_1", body));

        Assert.Equal((200, 1, 0, 0), (first.Status, first.Body!["accepted"]!.GetValue<int>(), first.Body["duplicates"]!.GetValue<int>(), first.Body["ignored"]!.GetValue<int>()));
        Assert.Equal((200, 1, 1), (replay.Status, replay.Body!["accepted"]!.GetValue<int>(), replay.Body["duplicates"]!.GetValue<int>()));

        // A different webhook-id is a different message, even with the same body.
        var another = await PostWebhookAsync(id, body, StandardSigned(secrets[0], "msg_deal_2", body));
        Assert.Equal(0, another.Body!["duplicates"]!.GetValue<int>());
        var state = await EventCountAsync(ws, account, "crm deal won", 2);
        Assert.Equal(2, state["account"]!["events"]!["crm deal won"]!["24h"]!.GetValue<long>());
    }

    [Fact]
    public async Task a_tampered_stale_or_unsigned_request_is_refused_with_a_reason_that_leaks_nothing()
    {
        var ws = NewWorkspace();
        var (id, secrets) = await CreateSourceAsync(ws, CrmSource);
        var account = Api.NewId("org");
        var body = Utf8($$$"""{"id": "d-1", "event": "deal.won", "org": {"id": "{{{account}}}"}}""");
        var tampered = Utf8($$$"""{"id": "d-1", "event": "deal.won", "org": {"id": "{{{account}}}-evil"}}""");
        var signature = new StandardWebhookSigner(StandardWebhookSecret.Parse(secrets[0])).Sign("msg_t", DateTimeOffset.UtcNow, body);

        var forged = await PostWebhookAsync(id, tampered, StandardSigned(secrets[0], "msg_t", body));
        var stale = await PostWebhookAsync(id, body, StandardSigned(secrets[0], "msg_s", body, DateTimeOffset.UtcNow.AddMinutes(-6)));
        var unsigned = await PostWebhookAsync(id, body, _ => { });
        var otherSecret = await PostWebhookAsync(id, body, StandardSigned(StandardWebhookSecret.Generate().Reveal(), "msg_o", body));

        Assert.Equal((401, "Invalid signature", "No webhook signature matches."), (forged.Status, forged.Body!["title"]!.GetValue<string>(), forged.Body["detail"]!.GetValue<string>()));
        Assert.Equal((401, "The webhook timestamp is outside the allowed tolerance."), (stale.Status, stale.Body!["detail"]!.GetValue<string>()));
        Assert.Equal((401, "The webhook signature headers are missing or repeated."), (unsigned.Status, unsigned.Body!["detail"]!.GetValue<string>()));
        Assert.Equal((401, "No webhook signature matches."), (otherSecret.Status, otherSecret.Body!["detail"]!.GetValue<string>()));
        foreach (var refusal in new[] { forged.Body, stale.Body, unsigned.Body, otherSecret.Body })
        {
            var text = refusal.ToJsonString();
            Assert.DoesNotContain(secrets[0]["whsec_".Length..], text);
            Assert.DoesNotContain(signature.Split(',')[1][..12], text);
            Assert.DoesNotContain(account, text);
        }

        var (status, _) = await host.OpsGetAsync($"/ops/accounts/{account}?workspace={ws}");
        Assert.Equal(404, status); // nothing refused was stored
    }

    [Fact]
    public async Task a_stripe_style_source_accepts_either_secret_while_rotating_and_dedupes_by_the_event_id()
    {
        var ws = NewWorkspace();
        var (id, _) = await CreateSourceAsync(ws, """{"scheme": "stripe", "secrets": ["whsec_old_0123456789"], "mapping": {"preset": "stripe"}}""");
        var (put, putBody) = await SendAsync(HttpMethod.Put, $"/ops/webhook-sources/{id}?workspace={ws}",
            """{"scheme": "stripe", "secrets": ["whsec_old_0123456789", "whsec_new_9876543210"], "mapping": {"preset": "stripe"}, "version": 1}""");
        Assert.Equal((200, 2, 2), (put, putBody!["version"]!.GetValue<int>(), putBody["secrets_set"]!.GetValue<int>()));
        Assert.Null(putBody["secrets"]); // given, not generated: never echoed
        var account = Api.NewId("acme");
        var paid = Utf8(StripeEvent("invoice.paid", $$$"""{"id": "in_1", "object": "invoice", "customer": "cus_x", "metadata": {"account_id": "{{{account}}}"}, "amount_paid": 4900, "currency": "usd"}"""));

        // Stripe signs with both secrets of a rolling endpoint: one v1 each.
        var both = await PostWebhookAsync(id, paid, StripeSigned(paid, "whsec_old_0123456789", "whsec_new_9876543210"));
        var newOnly = await PostWebhookAsync(id, paid, StripeSigned(paid, "whsec_new_9876543210"));
        var unknown = await PostWebhookAsync(id, paid, StripeSigned(paid, "whsec_someone_else_0000"));

        Assert.Equal((200, 0), (both.Status, both.Body!["duplicates"]!.GetValue<int>()));
        Assert.Equal((200, 1), (newOnly.Status, newOnly.Body!["duplicates"]!.GetValue<int>())); // same evt_ id: a redelivery
        Assert.Equal((401, "No webhook signature matches."), (unknown.Status, unknown.Body!["detail"]!.GetValue<string>()));
        var state = await EventCountAsync(ws, account, "billing invoice paid", 1);
        Assert.Equal("ok", state["account"]!["billing"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_stripe_invoice_payment_failed_reaches_the_owner_as_a_payment_failed_alert()
    {
        var ws = NewWorkspace();
        var channel = "#billing-" + Guid.NewGuid().ToString("N")[..6];
        var account = await OwnedAccountAsync(ws, channel);
        var (id, secrets) = await CreateSourceAsync(ws, """{"name": "Stripe", "scheme": "stripe", "mapping": {"preset": "stripe"}}""");
        var failed = Utf8(StripeEvent("invoice.payment_failed", $$$"""
            {"id": "in_1QX", "object": "invoice", "customer": "cus_Q1", "amount_due": 4900, "currency": "usd", "attempt_count": 1, "status": "open",
             "subscription_details": {"metadata": {"account_id": "{{{account}}}"} }}
            """));

        var answer = await PostWebhookAsync(id, failed, StripeSigned(failed, secrets[0]));

        Assert.Equal((200, 1), (answer.Status, answer.Body!["accepted"]!.GetValue<int>()));
        var message = await Api.EventuallyAsync(() => Task.FromResult(host.Slack.Messages.FirstOrDefault(m => m.Channel == channel)), $"a payment-failed alert in {channel}");
        var blocks = message.Blocks!.Value.GetRawText();
        Assert.Contains("Risk: invoice payment failed", blocks);
        Assert.Contains("49.00 USD", blocks);
        Assert.Contains(account, blocks);
        var (_, alerts) = await host.OpsGetAsync($"/ops/alerts?workspace={ws}&account_id={account}");
        var alert = Assert.Single(alerts!.AsArray());
        Assert.Equal(("payment_failed", "billing invoice payment failed", channel),
            (alert!["alert"]!["signal"]!.GetValue<string>(), alert["alert"]!["subject"]!.GetValue<string>(), alert["alert"]!["channel"]!.GetValue<string>()));
    }

    [Fact]
    public async Task a_stripe_subscription_deleted_reaches_the_owner_as_a_subscription_cancelled_alert()
    {
        var ws = NewWorkspace();
        var channel = "#churn-" + Guid.NewGuid().ToString("N")[..6];
        var account = await OwnedAccountAsync(ws, channel);
        var (rule, ruleBody) = await SendAsync(HttpMethod.Post, $"/ops/rules?workspace={ws}", """{"id": "subscription_cancelled", "kind": "subscription_cancelled"}""");
        Assert.True(rule == 201, ruleBody?.ToJsonString());
        var (id, secrets) = await CreateSourceAsync(ws, """{"scheme": "stripe", "mapping": {"preset": "stripe"}}""");
        var deleted = Utf8(StripeEvent("customer.subscription.deleted", $$$"""
            {"id": "sub_1", "object": "subscription", "customer": "cus_Q2", "status": "canceled", "metadata": {"account_id": "{{{account}}}"},
             "items": {"data": [{"price": {"id": "price_1", "lookup_key": "team_annual"}}]}, "cancellation_details": {"reason": "cancellation_requested"}}
            """));

        var answer = await PostWebhookAsync(id, deleted, StripeSigned(deleted, secrets[0]));

        Assert.Equal(200, answer.Status);
        var message = await Api.EventuallyAsync(() => Task.FromResult(host.Slack.Messages.FirstOrDefault(m => m.Channel == channel)), $"a cancellation alert in {channel}");
        var blocks = message.Blocks!.Value.GetRawText();
        Assert.Contains("Risk: subscription cancelled", blocks);
        Assert.Contains("team_annual", blocks);
        var state = await host.AccountAsync(account, ws);
        Assert.Equal(("cancelled", "team_annual"), (state["account"]!["billing"]!["status"]!.GetValue<string>(), state["account"]!["profile"]!["plan"]!.GetValue<string>()));
    }

    [Fact]
    public async Task an_unmapped_event_type_is_answered_200_as_ignored_and_malformed_json_400()
    {
        var ws = NewWorkspace();
        var (id, secrets) = await CreateSourceAsync(ws, """{"scheme": "stripe", "mapping": {"preset": "stripe"}}""");
        var created = Utf8(StripeEvent("customer.created", """{"id": "cus_1", "object": "customer"}"""));
        var broken = Utf8("""{"id": "evt_1", "type": "invoice.paid", """);
        var noAccount = Utf8(StripeEvent("invoice.paid", """{"id": "in_1"}"""));

        var ignored = await PostWebhookAsync(id, created, StripeSigned(created, secrets[0]));
        var malformed = await PostWebhookAsync(id, broken, StripeSigned(broken, secrets[0]));
        var unmappable = await PostWebhookAsync(id, noAccount, StripeSigned(noAccount, secrets[0]));

        Assert.Equal((200, 0, 1), (ignored.Status, ignored.Body!["accepted"]!.GetValue<int>(), ignored.Body["ignored"]!.GetValue<int>()));
        Assert.Equal((400, "Malformed JSON"), (malformed.Status, malformed.Body!["title"]!.GetValue<string>()));
        Assert.Equal((400, "mapping.account"), (unmappable.Status, unmappable.Body!["field"]!.GetValue<string>()));
    }

    [Fact]
    public async Task unknown_deleted_and_disabled_sources_get_one_and_the_same_404()
    {
        var ws = NewWorkspace();
        var (disabled, secrets) = await CreateSourceAsync(ws, """{"scheme": "stripe", "enabled": false, "mapping": {"preset": "stripe"}}""");
        var (deleted, _) = await CreateSourceAsync(ws, """{"scheme": "stripe", "mapping": {"preset": "stripe"}}""");
        Assert.Equal(204, (await SendAsync(HttpMethod.Delete, $"/ops/webhook-sources/{deleted}?workspace={ws}")).Status);
        var body = Utf8(StripeEvent("invoice.paid", """{"id": "in_1", "customer": "cus_1"}"""));

        var answers = new List<(int Status, JsonNode? Body)>();
        foreach (var id in new[] { disabled, deleted, "whsrc_000000000000000000000000", "not-even-an-id" })
        {
            answers.Add(await PostWebhookAsync(id, body, StripeSigned(body, secrets[0])));
        }

        Assert.All(answers, a => Assert.Equal((404, "No enabled webhook source has this id."), (a.Status, a.Body!["detail"]!.GetValue<string>())));
    }

    [Fact]
    public async Task the_ops_api_shows_a_generated_secret_once_and_refuses_bad_documents_by_field()
    {
        var ws = NewWorkspace();
        var (status, created) = await SendAsync(HttpMethod.Post, $"/ops/webhook-sources?workspace={ws}", CrmSource);
        Assert.Equal(201, status);
        var id = created!["id"]!.GetValue<string>();
        var secret = Assert.Single(created["secrets"]!.AsArray())!.GetValue<string>();
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(($"/v1/webhooks/{id}", 1, 1), (created["url"]!.GetValue<string>(), created["secrets_set"]!.GetValue<int>(), created["version"]!.GetValue<int>()));

        var (_, read) = await SendAsync(HttpMethod.Get, $"/ops/webhook-sources/{id}?workspace={ws}");
        var (_, list) = await SendAsync(HttpMethod.Get, $"/ops/webhook-sources?workspace={ws}");
        Assert.Null(read!["secrets"]);
        Assert.DoesNotContain(secret, list!.ToJsonString());
        Assert.Equal([id], list["sources"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
        Assert.Equal("crm deal won", read["mapping"]!["names"]!["deal.won"]!.GetValue<string>());

        // A read-modify-write keeps the secret: the document GET shows can be sent back as it is.
        var (put, replaced) = await SendAsync(HttpMethod.Put, $"/ops/webhook-sources/{id}?workspace={ws}", read.ToJsonString());
        Assert.Equal((200, 2, 1), (put, replaced!["version"]!.GetValue<int>(), replaced["secrets_set"]!.GetValue<int>()));
        var body = Utf8("""{"id": "d-9", "event": "deal.won", "org": {"id": "o-9"}}""");
        Assert.Equal(200, (await PostWebhookAsync(id, body, StandardSigned(secret, "msg_after_put", body))).Status);

        var (bad, problem) = await SendAsync(HttpMethod.Post, $"/ops/webhook-sources?workspace={ws}",
            """{"scheme": "standard_webhooks", "secrets": ["not-a-secret"], "mapping": {"event": "type", "account": "$.a[*]"}}""");
        Assert.Equal((400, "Invalid webhook source"), (bad, problem!["title"]!.GetValue<string>()));
        Assert.Equal(["secrets[0]", "mapping.event", "mapping.account"], problem["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()));
        Assert.DoesNotContain("not-a-secret", problem.ToJsonString());

        var (stale, _) = await SendAsync(HttpMethod.Put, $"/ops/webhook-sources/{id}?workspace={ws}", """{"scheme": "standard_webhooks", "mapping": {"preset": "stripe"}, "version": 1}""");
        var (missing, _) = await SendAsync(HttpMethod.Get, $"/ops/webhook-sources/{id}?workspace=someone-else");
        Assert.Equal((409, 404), (stale, missing));
    }
}
