using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Pipelines;
using IngestLayer.Pipelines.Runtime;
using static IngestLayer.UnitTests.Pipelines.PipelineTestEvents;

namespace IngestLayer.UnitTests.Pipelines;

public class PipelineDeliveriesTests
{
    private static readonly FilterUser Ada = new("ada", "ada@customer.example", "Ada", new Dictionary<string, string> { ["role"] = "admin" });
    private static readonly FilterAccount Org = new("org-1", "Org One", "free", "owner@vendor.example", "#owner-ada", 72);

    private static CompiledPipeline Compile(PipelineDefinition definition) =>
        CompiledPipeline.TryCompile(definition, CompiledPipelines.Registry([]), out var error) ?? throw new InvalidOperationException(error);

    private static PipelineDefinition TwoDestinations(string id = "p") => Pipeline(id, ["feature.used"], null, true,
        new PipelineDestination { Id = "slack-1", Type = PipelineDestinationTypes.Slack, Channel = "#alerts" },
        new PipelineDestination { Id = "crm", Type = PipelineDestinationTypes.Webhook, Url = "https://crm.example/in", Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" });

    private static List<Alert> Build(PipelineDefinition definition, IngestEvent e, string workspace = "ws", DateTimeOffset? now = null) =>
        PipelineDeliveries.Build(Compile(definition), new FilterContext(e, Ada, Org), workspace, now ?? T0);

    [Fact]
    public void ids_are_stable_per_pipeline_destination_source_and_message_id()
    {
        var e = Event("feature.used", "m-42", feature: "export");
        var first = Build(TwoDestinations(), e);

        // The same event later (a replay after a crash, a redelivered batch) names the same deliveries...
        var replayed = Build(TwoDestinations(), e with { ReceivedAt = T0.AddHours(3), Properties = "{\"changed\":true}"u8.ToArray() }, now: T0.AddHours(3));
        Assert.Equal(first.Select(d => d.AlertId), replayed.Select(d => d.AlertId));

        // ...and anything that makes it another delivery names another one.
        var ids = new[]
        {
            first[0].AlertId,
            first[1].AlertId,
            Build(TwoDestinations("other-pipeline"), e)[0].AlertId,
            Build(TwoDestinations(), e with { MessageId = "m-43" })[0].AlertId,
            Build(TwoDestinations(), e with { Source = "mobile" })[0].AlertId,
            Build(TwoDestinations(), e, workspace: "ws2")[0].AlertId,
        };
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^pl_[0-9a-f]{32}$", id));
    }

    [Fact]
    public void one_delivery_per_destination_says_what_to_send_where()
    {
        var deliveries = Build(TwoDestinations(), Event("feature.used", feature: "export", properties: "{\"url\":\"https://app.example/export\"}"));

        Assert.Equal(2, deliveries.Count);
        var slack = deliveries[0];
        Assert.Equal((AlertSignals.Pipeline, "p", "slack", "slack-1", "#alerts"), (slack.Signal, slack.Rule, slack.Destination, slack.DestinationId, slack.Channel));
        Assert.Equal(("org-1", "Org One", "free", "owner@vendor.example", "feature.used"), (slack.AccountId, slack.AccountName, slack.Plan, slack.Owner, slack.Subject));
        Assert.Equal("feature.used (export) by ada@customer.example at Org One", slack.Explanation);
        Assert.Equal(["Feature: export", "User: ada@customer.example", "URL: https://app.example/export", "When: 2026-11-30 09:00:00 UTC"],
            slack.Evidence.Select(x => $"{x.Label}: {x.Value}"));
        Assert.Null(slack.Text); // no template: the default rendering
        Assert.Equal(PipelineDefinition.DefaultThrottlePerMinute, slack.ThrottlePerMinute);
        Assert.Null(slack.Body);

        var hook = deliveries[1];
        Assert.Equal(("webhook", "crm", "https://crm.example/in", (string?)null), (hook.Destination, hook.DestinationId, hook.WebhookUrl, hook.Channel));
        Assert.NotNull(hook.Body);
    }

    [Fact]
    public void the_default_webhook_body_carries_the_event_whole_with_the_enrichment()
    {
        var hook = Build(TwoDestinations(), Event("feature.used", "m-7", feature: "export", properties: "{\"feature\":\"export\",\"rows\":1200}"))[1];

        using var body = JsonDocument.Parse(hook.Body!);
        var root = body.RootElement;
        Assert.Equal(("pipeline.event", "p"), (root.GetProperty("type").GetString(), root.GetProperty("pipeline").GetString()));
        var e = root.GetProperty("event");
        Assert.Equal(("m-7", "feature.used", "track", "web", "ada", "org-1", "export"),
            (e.GetProperty("message_id").GetString(), e.GetProperty("name").GetString(), e.GetProperty("kind").GetString(), e.GetProperty("source").GetString(),
             e.GetProperty("user_id").GetString(), e.GetProperty("account_id").GetString(), e.GetProperty("feature").GetString()));
        Assert.Equal(1200, e.GetProperty("properties").GetProperty("rows").GetInt32());
        Assert.Equal(T0, e.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal(("ada@customer.example", "admin"), (root.GetProperty("user").GetProperty("email").GetString(), root.GetProperty("user").GetProperty("traits").GetProperty("role").GetString()));
        var account = root.GetProperty("account");
        Assert.Equal(("org-1", "free", "#owner-ada", 72), (account.GetProperty("id").GetString(), account.GetProperty("plan").GetString(), account.GetProperty("owner_channel").GetString(), account.GetProperty("health").GetInt32()));
    }

    [Fact]
    public void templates_render_the_channel_the_text_and_the_payload()
    {
        var definition = Pipeline("handbook", ["$pageview"], null, true,
            new PipelineDestination { Id = "owner", Type = "slack", Channel = "$account.owner_channel", Template = "$user.email read $event.properties.$current_url ($event.name)" },
            new PipelineDestination { Id = "hook", Type = "webhook", Url = "https://x.example/", Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Payload = """{"who": "$user.email", "health": "$account.health", "page": "$event.properties.$current_url", "missing": "$user.traits.nope"}""" });

        var deliveries = Build(definition, Event("$pageview", properties: "{\"$current_url\":\"https://docs.example/start\"}"));

        Assert.Equal("#owner-ada", deliveries[0].Channel);
        Assert.Equal("ada@customer.example read https://docs.example/start ($pageview)", deliveries[0].Text);
        using var body = JsonDocument.Parse(deliveries[1].Body!);
        Assert.Equal("ada@customer.example", body.RootElement.GetProperty("who").GetString());
        Assert.Equal(72, body.RootElement.GetProperty("health").GetInt32()); // a lone placeholder keeps its type
        Assert.Equal("https://docs.example/start", body.RootElement.GetProperty("page").GetString());
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("missing").ValueKind);
    }

    [Fact]
    public void a_channel_template_that_renders_empty_falls_back_to_the_default_channel()
    {
        var definition = Pipeline("p", ["a"], null, true, new PipelineDestination { Id = "owner", Type = "slack", Channel = "$account.owner_channel" });

        var delivery = Assert.Single(PipelineDeliveries.Build(Compile(definition), new FilterContext(Event("a"), Ada, Org with { OwnerChannel = null }), "ws", T0));

        Assert.Null(delivery.Channel);
    }
}
