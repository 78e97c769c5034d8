using System.Text.Json.Nodes;

namespace IngestLayer.EndToEndTests;

/// <summary><c>/ops/pipelines</c> and <c>/ops/lists</c> through the real host: validation, secrets, versions, enable/disable, delete, the tester.</summary>
[Collection(HostCollection.Name)]
public class PipelineApiTests(HostFixture host)
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    // CRUD tests use workspaces of their own; tests that ingest use 'pipes' with event names of their own.
    private static string NewWorkspace() => "pl_" + Guid.NewGuid().ToString("N")[..10];

    private static object SlackPipeline(string id, string match = "feature.used", string channel = "#alerts") =>
        new { id, match, destinations = new[] { new { type = "slack", channel } } };

    [Theory]
    [InlineData("""{"id": "p", "match": "a", "steps": [{"filter": "feature = \"x\""}], "destinations": [{"type": "slack"}]}""", "steps[0].filter", "at column 9")]
    [InlineData("""{"id": "p", "match": "a", "steps": [{"enrich": "user"}, {"filter": "account.id in list(\"nobody\")"}], "destinations": [{"type": "slack"}]}""", "steps[1].filter", "unknown list \"nobody\" at column 20")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "slack", "template": "Hi $usr.email"}]}""", "destinations[0].template", "unknown placeholder \"$usr.email\" at column 4")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "slack", "channel": "alerts"}]}""", "destinations[0].channel", "must be a Slack channel")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "webhook", "url": "ftp://files.example/in"}]}""", "destinations[0].url", "must be an absolute http:// or https:// URL")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "webhook", "url": "https://crm.example/in", "secret": "hunter2"}]}""", "destinations[0].secret", "must be a Standard Webhooks secret")]
    [InlineData("""{"id": "p", "match": "a", "destinations": [{"type": "webhook", "url": "https://crm.example/in", "payload": {"who": "${user.email"}}]}""", "destinations[0].payload", "unterminated \"${\" at column 10")]
    public async Task an_invalid_pipeline_is_a_400_naming_the_field_and_the_column(string json, string field, string error)
    {
        var answer = await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines?workspace={NewWorkspace()}", json);

        Assert.Equal(400, answer.Status);
        Assert.Equal("Invalid pipeline", answer.Body!["title"]!.GetValue<string>());
        var problem = Assert.Single(answer.Body["errors"]!.AsArray())!;
        Assert.Equal(field, problem["field"]!.GetValue<string>());
        Assert.Contains(error, problem["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith($"'{field}' ", answer.Body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json", "Invalid JSON")]
    [InlineData("[]", "Invalid pipeline")]
    public async Task a_body_that_is_not_a_pipeline_object_is_a_400(string json, string title)
    {
        var answer = await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines?workspace={NewWorkspace()}", json);

        Assert.Equal((400, title), (answer.Status, answer.Body!["title"]!.GetValue<string>()));
    }

    [Fact]
    public async Task the_pipelines_and_lists_apis_need_the_admin_token()
    {
        Assert.Equal(401, (await host.OpsAsync(HttpMethod.Get, "/ops/pipelines", token: null)).Status);
        Assert.Equal(401, (await host.OpsAsync(HttpMethod.Post, "/ops/pipelines", Api.Json(SlackPipeline("p")), token: HostFixture.PipesKey)).Status);
        Assert.Equal(401, (await host.OpsAsync(HttpMethod.Put, "/ops/lists/x", "id\na\n", "text/csv", token: null)).Status);
        Assert.Equal(400, (await host.OpsAsync(HttpMethod.Get, "/ops/pipelines?workspace=no%20spaces")).Status);
    }

    [Fact]
    public async Task a_generated_secret_is_shown_once_on_create_and_never_by_a_read()
    {
        var ws = NewWorkspace();
        var created = await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines?workspace={ws}", Api.Json(new
        {
            id = "two-hooks",
            match = "a",
            destinations = new object[]
            {
                new { type = "webhook", id = "generated", url = "https://crm.example/in" },
                new { type = "webhook", id = "given", url = "https://crm.example/in", secret = Secret },
            },
        }));

        Assert.Equal(201, created.Status);
        var generated = created.Body!["destinations"]![0]!["secret"]!.GetValue<string>();
        Assert.StartsWith("whsec_", generated, StringComparison.Ordinal);
        // A secret the caller wrote is theirs already: not echoed.
        Assert.Null(created.Body["destinations"]![1]!["secret"]);
        Assert.DoesNotContain(Secret, created.Text, StringComparison.Ordinal);
        Assert.True(created.Body["destinations"]![1]!["secret_set"]!.GetValue<bool>());

        foreach (var path in new[] { $"/ops/pipelines?workspace={ws}", $"/ops/pipelines/two-hooks?workspace={ws}" })
        {
            var read = await host.OpsAsync(HttpMethod.Get, path);
            Assert.Equal(200, read.Status);
            Assert.DoesNotContain("whsec_", read.Text, StringComparison.Ordinal);
            Assert.Contains("\"secret_set\":true", read.Text, StringComparison.Ordinal);
        }

        var disabled = await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines/two-hooks/disable?workspace={ws}");
        Assert.Equal(200, disabled.Status);
        Assert.DoesNotContain("whsec_", disabled.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task pipelines_are_versioned_a_stale_version_is_a_409_and_a_deleted_one_is_gone()
    {
        var ws = NewWorkspace();
        var created = await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines?workspace={ws}", Api.Json(SlackPipeline("versions")));
        Assert.Equal(201, created.Status);
        Assert.Equal(1, created.Body!["version"]!.GetValue<int>());
        Assert.Equal(409, (await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines?workspace={ws}", Api.Json(SlackPipeline("versions")))).Status);

        var change = Api.Json(new { version = 1, match = "feature.used", destinations = new[] { new { type = "slack", channel = "#growth" } } });
        var changed = await host.OpsAsync(HttpMethod.Put, $"/ops/pipelines/versions?workspace={ws}", change);
        Assert.Equal((200, 2, "#growth"), (changed.Status, changed.Body!["version"]!.GetValue<int>(), changed.Body["destinations"]![0]!["channel"]!.GetValue<string>()));

        var stale = await host.OpsAsync(HttpMethod.Put, $"/ops/pipelines/versions?workspace={ws}", change);
        Assert.Equal(409, stale.Status);
        Assert.Contains("is at version 2, not 1", stale.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var renamed = await host.OpsAsync(HttpMethod.Put, $"/ops/pipelines/versions?workspace={ws}", Api.Json(SlackPipeline("other-id")));
        Assert.Equal(400, renamed.Status);
        Assert.Equal("id", renamed.Body!["errors"]![0]!["field"]!.GetValue<string>());

        var disabled = await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines/versions/disable?workspace={ws}");
        Assert.Equal((200, 3, false), (disabled.Status, disabled.Body!["version"]!.GetValue<int>(), disabled.Body["enabled"]!.GetValue<bool>()));
        var listed = await host.OpsAsync(HttpMethod.Get, $"/ops/pipelines?workspace={ws}");
        var only = Assert.Single(listed.Body!["pipelines"]!.AsArray())!;
        Assert.Equal((3, false, "#growth"), (only["version"]!.GetValue<int>(), only["enabled"]!.GetValue<bool>(), only["destinations"]![0]!["channel"]!.GetValue<string>()));

        Assert.Equal(204, (await host.OpsAsync(HttpMethod.Delete, $"/ops/pipelines/versions?workspace={ws}")).Status);
        Assert.Equal(404, (await host.OpsAsync(HttpMethod.Get, $"/ops/pipelines/versions?workspace={ws}")).Status);
        Assert.Equal(404, (await host.OpsAsync(HttpMethod.Delete, $"/ops/pipelines/versions?workspace={ws}")).Status);
        Assert.Equal(404, (await host.OpsAsync(HttpMethod.Put, $"/ops/pipelines/versions?workspace={ws}", Api.Json(SlackPipeline("versions")))).Status);
        Assert.Equal(404, (await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines/versions/enable?workspace={ws}")).Status);
        Assert.Equal(404, (await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines/versions/test?workspace={ws}", """{"event": "feature.used", "user_id": "u"}""")).Status);
        Assert.Empty((await host.OpsAsync(HttpMethod.Get, $"/ops/pipelines?workspace={ws}")).Body!["pipelines"]!.AsArray());

        // Created again, it continues the numbering of its history.
        var again = await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines?workspace={ws}", Api.Json(SlackPipeline("versions")));
        Assert.Equal((201, 5), (again.Status, again.Body!["version"]!.GetValue<int>()));
    }

    [Fact]
    public async Task disabling_a_pipeline_stops_its_deliveries_and_enabling_it_starts_them_again()
    {
        const string ws = "pipes";
        var channel = "#toggle-" + Guid.NewGuid().ToString("N")[..6];
        host.Slack.AddChannel(channel);
        var (eventName, pipelineId, account) = ("toggle " + Guid.NewGuid().ToString("N")[..8], Api.NewId("toggle").ToLowerInvariant(), Api.NewId("toggle-acct"));
        await host.CreatePipelineAsync(ws, new { id = pipelineId, match = eventName, destinations = new[] { new { type = "slack", channel, template = "step $event.properties.n" } } });
        object Step(int n) => new { @event = eventName, user_id = "u-toggle", account_id = account, properties = new { n } };

        await host.PostEventsAsync(Api.Json(Step(1)), HostFixture.PipesKey);
        await Api.EventuallyAsync(() => Task.FromResult(host.Slack.Messages.FirstOrDefault(m => m.Channel == channel)), $"step 1 in {channel}");

        Assert.Equal(200, (await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines/{pipelineId}/disable?workspace={ws}")).Status);
        await host.PostEventsAsync(Api.Json(Step(2)), HostFixture.PipesKey);
        // Pipelines run when the account grain applies an event, after the ack: wait for step 2 to be applied
        // (an ops read waits for what was acknowledged before it) before turning the pipeline on again.
        var state = await host.AccountAsync(account, ws);
        Assert.Equal(2, state["account"]!["events"]![eventName]!["24h"]!.GetValue<long>());
        Assert.Equal(200, (await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines/{pipelineId}/enable?workspace={ws}")).Status);
        await host.PostEventsAsync(Api.Json(Step(3)), HostFixture.PipesKey);

        var messages = await Api.EventuallyAsync(
            () => Task.FromResult(host.Slack.Messages.Where(m => m.Channel == channel).ToList() is { Count: >= 2 } list ? list : null),
            $"a second message in {channel}");
        var status = await host.PipelineStatusWhenAsync(ws, pipelineId, s => s.Stat("delivered") == 2 && s.Stat("matched") == 2, "2 matched and 2 delivered");
        Assert.Equal(0L, status.Stat("pending"));
        Assert.Equal(2, host.Slack.Messages.Count(m => m.Channel == channel));
        Assert.Contains("step 1", messages[0].Text, StringComparison.Ordinal);
        Assert.Contains("step 3", messages[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_tester_shows_each_sample_s_way_and_the_rendered_messages_and_sends_nothing()
    {
        const string ws = "pipes";
        await using var receiver = await HookReceiver.StartAsync();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (eventName, pipelineId, channel) = ("tested " + suffix, "tested-" + suffix, "#tested-" + suffix);
        host.Slack.AddChannel(channel);
        var (account, user) = (Api.NewId("tested-acct"), Api.NewId("tested-user"));
        await host.ImportOwnersAsync(ws, $"account_id,owner,slack_channel\n{account},ada@vendor.example,{channel}\n");
        await host.IdentifyAsync(HostFixture.PipesKey, ws, user, $"{user}@customer.example", account, "Tested Inc", "free");
        await host.CreatePipelineAsync(ws, new
        {
            id = pipelineId,
            match = eventName,
            steps = new object[] { new { filter = "properties.format == \"csv\"" }, new { enrich = new[] { "user", "account" } } },
            destinations = new object[]
            {
                new { type = "slack", channel = "$account.owner_channel", template = "$user.email exported $event.properties.rows rows" },
                new { type = "webhook", url = receiver.BaseUrl + "/tested", payload = new { who = "$user.email", plan = "$account.plan", rows = "$event.properties.rows" } },
            },
        });
        var alertsBefore = (await host.OpsGetAsync($"/ops/alerts?workspace={ws}&limit=1000")).Body!.AsArray().Count;

        var answer = await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines/{pipelineId}/test?workspace={ws}", Api.Json(new
        {
            events = new object[]
            {
                new { @event = "something else", user_id = user, account_id = account },
                new { @event = eventName, user_id = user, account_id = account, properties = new { format = "pdf", rows = 3 } },
                new { @event = eventName, user_id = user, account_id = account, properties = new { format = "csv", rows = 1200 } },
                new { user_id = user },
            },
        }));

        Assert.Equal(200, answer.Status);
        var body = answer.Body!;
        Assert.Equal((pipelineId, 1, true), (body["pipeline_id"]!.GetValue<string>(), body["version"]!.GetValue<int>(), body["enabled"]!.GetValue<bool>()));
        Assert.Equal(3, Assert.Single(body["rejected"]!.AsArray())!["index"]!.GetValue<int>());
        var results = body["results"]!.AsArray();
        Assert.Equal(3, results.Count);

        var other = results[0]!;
        Assert.Equal((false, false), (other["matched"]!.GetValue<bool>(), other["passed"]!.GetValue<bool>()));
        Assert.Empty(other["deliveries"]!.AsArray());

        var pdf = results[1]!;
        Assert.Equal((true, false, 0), (pdf["matched"]!.GetValue<bool>(), pdf["passed"]!.GetValue<bool>(), pdf["dropped_at_step"]!.GetValue<int>()));
        Assert.Equal("steps[0]: the filter properties.format == \"csv\" is false for this event", pdf["reason"]!.GetValue<string>());
        Assert.Null(pdf["context"]!["user"]); // dropped before the enrich step
        Assert.Empty(pdf["deliveries"]!.AsArray());

        var csv = results[2]!;
        Assert.Equal((true, true), (csv["matched"]!.GetValue<bool>(), csv["passed"]!.GetValue<bool>()));
        Assert.Null(csv["dropped_at_step"]);
        var context = csv["context"]!;
        Assert.Equal(1200, context["event"]!["properties"]!["rows"]!.GetValue<int>());
        Assert.Equal($"{user}@customer.example", context["user"]!["email"]!.GetValue<string>());
        Assert.Equal(("free", "Tested Inc", channel), (context["account"]!["plan"]!.GetValue<string>(), context["account"]!["name"]!.GetValue<string>(), context["account"]!["owner_channel"]!.GetValue<string>()));
        var deliveries = csv["deliveries"]!.AsArray();
        Assert.Equal(2, deliveries.Count);
        var slack = deliveries[0]!;
        Assert.Equal(("slack-1", "slack", channel), (slack["destination"]!.GetValue<string>(), slack["type"]!.GetValue<string>(), slack["channel"]!.GetValue<string>()));
        Assert.Equal(channel, slack["slack"]!["channel"]!.GetValue<string>());
        Assert.Contains($"{user}@customer.example exported 1200 rows", slack["slack"]!["blocks"]!.ToJsonString(), StringComparison.Ordinal);
        var hook = deliveries[1]!;
        Assert.Equal(("webhook-2", "webhook", receiver.BaseUrl + "/tested"), (hook["destination"]!.GetValue<string>(), hook["type"]!.GetValue<string>(), hook["url"]!.GetValue<string>()));
        Assert.Equal(JsonNode.Parse($$"""{"who":"{{user}}@customer.example","plan":"free","rows":1200}""")!.ToJsonString(), hook["body"]!.ToJsonString());
        Assert.DoesNotContain("whsec_", answer.Text, StringComparison.Ordinal);

        // Nothing was sent or enqueued, and the pipeline's counters did not move.
        var status = await host.PipelineStatusAsync(ws, pipelineId);
        Assert.Equal((0L, 0L, 0L, 0L), (status.Stat("matched"), status.Stat("delivered"), status.Stat("pending"), status.Stat("failed")));
        Assert.Equal(alertsBefore, (await host.OpsGetAsync($"/ops/alerts?workspace={ws}&limit=1000")).Body!.AsArray().Count);
        Assert.Empty((await host.OpsGetAsync($"/ops/alerts?workspace={ws}&rule={pipelineId}")).Body!.AsArray());
        Assert.Empty(receiver.Requests);
        Assert.DoesNotContain(host.Slack.Messages, m => m.Channel == channel);
    }

    [Fact]
    public async Task the_tester_attributes_a_sample_without_an_account_to_its_user_s_account_as_live_dispatch_does()
    {
        const string ws = "pipes";
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (listName, pipelineId, account, user) = ("tester-book-" + suffix, "attributed-" + suffix, Api.NewId("attributed-acct"), Api.NewId("attributed-user"));
        await host.IdentifyAsync(HostFixture.PipesKey, ws, user, $"{user}@customer.example", account, "Attributed Inc", "pro");
        await host.UploadListAsync(ws, listName, $"account_id\n{account}\n");
        await host.CreatePipelineAsync(ws, new
        {
            id = pipelineId,
            enabled = false,
            match = "$pageview",
            steps = new object[] { new { filter = $"account.id in list(\"{listName}\")" }, new { enrich = new[] { "account" } } },
            destinations = new[] { new { type = "slack", channel = "#alerts" } },
        });

        // A pageview that names no account: live, the router gives it the user's latest account before the filter runs.
        var answer = await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines/{pipelineId}/test?workspace={ws}",
            Api.Json(new { @event = "$pageview", user_id = user, properties = new Dictionary<string, string> { ["$current_url"] = "https://docs.example/" } }));

        Assert.Equal(200, answer.Status);
        var result = Assert.Single(answer.Body!["results"]!.AsArray())!;
        Assert.True(result["passed"]!.GetValue<bool>(), $"the sample was dropped: {result.ToJsonString()}");
        Assert.Equal(account, result["context"]!["event"]!["account_id"]!.GetValue<string>());
        Assert.Equal(("Attributed Inc", "pro"), (result["context"]!["account"]!["name"]!.GetValue<string>(), result["context"]!["account"]!["plan"]!.GetValue<string>()));
    }

    [Fact]
    public async Task the_tester_refuses_a_sample_that_is_not_an_event()
    {
        var ws = NewWorkspace();
        await host.CreatePipelineAsync(ws, SlackPipeline("p"));

        var invalid = await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines/p/test?workspace={ws}", """{"user_id": "u1"}""");
        var envelope = await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines/p/test?workspace={ws}", """{"events": 3}""");

        Assert.Equal((400, "Invalid event"), (invalid.Status, invalid.Body!["title"]!.GetValue<string>()));
        Assert.Equal((400, "Invalid sample"), (envelope.Status, envelope.Body!["title"]!.GetValue<string>()));
    }

    [Fact]
    public async Task named_lists_are_uploaded_as_csv_replaced_whole_read_and_deleted()
    {
        var ws = NewWorkspace();
        var book = Api.Json(new
        {
            id = "book",
            match = "a",
            steps = new[] { new { filter = "account.id in list(\"ada-book\")" } },
            destinations = new[] { new { type = "slack" } },
        });
        var refused = await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines?workspace={ws}", book);
        Assert.Equal(400, refused.Status);
        Assert.Contains("unknown list \"ada-book\"", refused.Body!["errors"]![0]!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var first = await host.OpsAsync(HttpMethod.Put, $"/ops/lists/ada-book?workspace={ws}", "name,account_id\nAcme,org-1\nGlobex, org-2 \nAcme again,org-1\n,\n", "text/csv");
        Assert.Equal(200, first.Status);
        Assert.Equal(("ada-book", 2, "account_id", 1), (first.Body!["name"]!.GetValue<string>(), first.Body["count"]!.GetValue<int>(), first.Body["column"]!.GetValue<string>(), first.Body["version"]!.GetValue<int>()));
        Assert.Equal(201, (await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines?workspace={ws}", book)).Status);

        var one = await host.OpsAsync(HttpMethod.Get, $"/ops/lists/ada-book?workspace={ws}");
        Assert.Equal(["org-1", "org-2"], one.Body!["values"]!.AsArray().Select(v => v!.GetValue<string>()));

        // No header: the first column from the first row; the upload replaces the list whole.
        var second = await host.OpsAsync(HttpMethod.Put, $"/ops/lists/ada-book?workspace={ws}", "org-3\norg-4,ignored\n", "text/csv; charset=utf-8");
        Assert.Equal((200, 2, 2), (second.Status, second.Body!["count"]!.GetValue<int>(), second.Body["version"]!.GetValue<int>()));
        Assert.Null(second.Body["column"]);
        Assert.Equal(["org-3", "org-4"], (await host.OpsAsync(HttpMethod.Get, $"/ops/lists/ada-book?workspace={ws}")).Body!["values"]!.AsArray().Select(v => v!.GetValue<string>()));

        var all = await host.OpsAsync(HttpMethod.Get, $"/ops/lists?workspace={ws}");
        var listed = Assert.Single(all.Body!.AsArray())!;
        Assert.Equal(("ada-book", 2, 2), (listed["name"]!.GetValue<string>(), listed["count"]!.GetValue<int>(), listed["version"]!.GetValue<int>()));
        Assert.Null(listed["values"]);

        Assert.Equal(204, (await host.OpsAsync(HttpMethod.Delete, $"/ops/lists/ada-book?workspace={ws}")).Status);
        Assert.Equal(404, (await host.OpsAsync(HttpMethod.Get, $"/ops/lists/ada-book?workspace={ws}")).Status);
        Assert.Equal(404, (await host.OpsAsync(HttpMethod.Delete, $"/ops/lists/ada-book?workspace={ws}")).Status);
        Assert.Empty((await host.OpsAsync(HttpMethod.Get, $"/ops/lists?workspace={ws}")).Body!.AsArray());
    }

    [Theory]
    [InlineData("ada-book", "id\n", "text/csv", 400, "no values under \"id\"")]
    [InlineData("ada-book", "", "text/csv", 400, "no values")]
    [InlineData("ada-book", "id\n\"org-1\n", "text/csv", 400, "malformed CSV")]
    [InlineData("ada-book", "{\"ids\": [\"org-1\"]}", "application/json", 415, "text/csv")]
    [InlineData("Ada Book", "id\norg-1\n", "text/csv", 400, "A list name is 1 to 64 characters")]
    public async Task a_bad_list_upload_is_refused_and_stores_nothing(string name, string csv, string contentType, int status, string detail)
    {
        var ws = NewWorkspace();

        var answer = await host.OpsAsync(HttpMethod.Put, $"/ops/lists/{Uri.EscapeDataString(name)}?workspace={ws}", csv, contentType);

        Assert.Equal(status, answer.Status);
        Assert.Contains(detail, answer.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((await host.OpsAsync(HttpMethod.Get, $"/ops/lists?workspace={ws}")).Body!.AsArray());
    }
}
