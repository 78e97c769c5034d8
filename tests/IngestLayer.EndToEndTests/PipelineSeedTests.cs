using System.Text.Json;
using IngestLayer.Testing;

namespace IngestLayer.EndToEndTests;

/// <summary>
/// Issue 5's two seed scenarios end to end: pipelines created over the ops API, events in over HTTP (native and
/// Segment), messages out to the fake Slack. Each scenario has a workspace of its own, since both match <c>feature.used</c>.
/// </summary>
[Collection(HostCollection.Name)]
public class PipelineSeedTests(HostFixture host)
{
    private static string Blocks(FakeSlackMessage message) =>
        message.Blocks is { } blocks ? string.Join("\n", blocks.EnumerateArray().Select(b => b.GetRawText())) : "";

    // Block Kit JSON escapes non-ASCII and some punctuation; compare against the decoded block texts.
    private static string BlockTexts(FakeSlackMessage message)
    {
        var texts = new List<string>();
        void Walk(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject())
                    {
                        if (p.Name == "text" && p.Value.ValueKind == JsonValueKind.String)
                        {
                            texts.Add(p.Value.GetString()!);
                        }
                        else
                        {
                            Walk(p.Value);
                        }
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in e.EnumerateArray())
                    {
                        Walk(item);
                    }

                    break;
            }
        }

        if (message.Blocks is { } blocks)
        {
            Walk(blocks);
        }

        return string.Join("\n", texts);
    }

    private static object FeatureUsed(string account, string user, string feature) =>
        new { @event = "feature.used", user_id = user, account_id = account, properties = new { feature } };

    [Fact]
    public async Task the_recipe_posts_a_paid_feature_use_to_alerts_with_the_user_s_email_and_the_account_s_plan()
    {
        const string ws = "recipe";
        host.Slack.AddChannel("#alerts");
        await host.CreatePipelineAsync(ws, new
        {
            id = "paid-features",
            name = "Paid feature used",
            match = "feature.used",
            steps = new object[]
            {
                new { filter = "feature in [\"export\", \"api\", \"webhook\"]" },
                new { enrich = new[] { "user", "account" } },
            },
            destinations = new[] { new { type = "slack", channel = "#alerts" } },
        });
        var (account, user) = (Api.NewId("acme"), Api.NewId("ada"));
        await host.IdentifyAsync(HostFixture.RecipeKey, ws, user, $"{user}@customer.example", account, "Acme Inc", "free");
        var before = host.Slack.Messages.Count(m => m.Channel == "#alerts");

        // Other features first, in the same request: the account grain runs them through the pipeline before the export.
        await host.PostEventsAsync(Api.Json(new
        {
            events = new[]
            {
                FeatureUsed(account, user, "dashboards"),
                FeatureUsed(account, user, "exports"),
                FeatureUsed(account, user, "Export"),
                FeatureUsed(account, user, "export"),
            },
        }), HostFixture.RecipeKey);

        var message = await Api.EventuallyAsync(
            () => Task.FromResult(host.Slack.Messages.FirstOrDefault(m => m.Channel == "#alerts" && Blocks(m).Contains(account, StringComparison.Ordinal))),
            $"the recipe's message for {account} in #alerts");
        var texts = BlockTexts(message);
        Assert.Contains("Paid feature used", texts, StringComparison.Ordinal);
        Assert.Contains($"feature.used (export) by {user}@customer.example at Acme Inc", texts, StringComparison.Ordinal);
        Assert.Contains($"*User*\n{user}@customer.example", texts, StringComparison.Ordinal);
        Assert.Contains("*Plan*\nfree", texts, StringComparison.Ordinal);
        Assert.Contains("*Feature*\nexport", texts, StringComparison.Ordinal);

        // Four taken, three dropped by the filter, one delivered: once delivered, nothing else is on its way.
        var status = await host.PipelineStatusWhenAsync(ws, "paid-features", s => s.Stat("matched") == 4 && s.Stat("delivered") == 1, "4 matched and 1 delivered");
        Assert.Equal((3L, 0L, 0L), (status.Stat("filtered_out"), status.Stat("pending"), status.Stat("failed")));
        Assert.Empty(status["last_errors"]!.AsArray());
        Assert.Equal(before + 1, host.Slack.Messages.Count(m => m.Channel == "#alerts"));
        Assert.Single(host.Slack.Messages, m => Blocks(m).Contains(account, StringComparison.Ordinal));
    }

    [Fact]
    public async Task the_handbook_stream_goes_to_each_owner_s_own_channel_for_listed_orgs_and_docs_pageviews_only()
    {
        const string ws = "handbook";
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (adaChannel, bobChannel) = ($"#ada-book-{suffix}", $"#bob-book-{suffix}");
        host.Slack.AddChannel(adaChannel);
        host.Slack.AddChannel(bobChannel);
        var (listedByAda, listedByBob, unlisted) = (Api.NewId("org-a"), Api.NewId("org-b"), Api.NewId("org-c"));
        await host.ImportOwnersAsync(ws,
            $"account_id,owner,slack_channel\n{listedByAda},ada@vendor.example,{adaChannel}\n{listedByBob},bob@vendor.example,{bobChannel}\n{unlisted},ada@vendor.example,{adaChannel}\n");
        var list = await host.OpsAsync(HttpMethod.Put, $"/ops/lists/ada-book?workspace={ws}", $"account_id\n{listedByAda}\n{listedByBob}\n", "text/csv");
        Assert.Equal(200, list.Status);
        Assert.Equal((2, "account_id"), (list.Body!["count"]!.GetValue<int>(), list.Body["column"]!.GetValue<string>()));
        var pipelineId = "handbook-" + suffix;
        await host.CreatePipelineAsync(ws, new
        {
            id = pipelineId,
            match = new[] { "$pageview", "feature.used" },
            steps = new object[]
            {
                new { filter = "account.id in list(\"ada-book\") and (event != \"$pageview\" or properties.$current_url contains \"docs\")" },
                new { enrich = new[] { "user", "account" } },
            },
            destinations = new[]
            {
                new { type = "slack", channel = "$account.owner_channel", template = "$user.email · $event.name · $event.properties.$current_url" },
            },
        });
        var (a1, b1, c1) = (Api.NewId("ua"), Api.NewId("ub"), Api.NewId("uc"));
        await host.IdentifyAsync(HostFixture.HandbookKey, ws, a1, $"{a1}@customer.example", listedByAda, "Org A", "pro");
        await host.IdentifyAsync(HostFixture.HandbookKey, ws, b1, $"{b1}@customer.example", listedByBob, "Org B", "free");
        await host.IdentifyAsync(HostFixture.HandbookKey, ws, c1, $"{c1}@customer.example", unlisted, "Org C", "pro");

        object Page(string user, string account, string url) =>
            new { @event = "$pageview", user_id = user, account_id = account, properties = new Dictionary<string, string> { ["$current_url"] = url } };

        await host.PostEventsAsync(Api.Json(new
        {
            events = new[]
            {
                Page(a1, listedByAda, "https://handbook.example/docs/start"),
                Page(a1, listedByAda, "https://handbook.example/pricing"),
                FeatureUsed(listedByAda, a1, "export"),
                Page(b1, listedByBob, "https://handbook.example/docs/api"),
                Page(c1, unlisted, "https://handbook.example/docs/start"),
                FeatureUsed(unlisted, c1, "export"),
            },
        }), HostFixture.HandbookKey);
        // A Segment page call is a $pageview too; its account comes from context.groupId.
        using (var page = await host.PostJsonAsync("/v1/page", Api.Json(new
        {
            userId = b1,
            name = "Webhooks",
            properties = new Dictionary<string, string> { ["$current_url"] = "https://handbook.example/docs/webhooks", ["title"] = "Webhooks" },
            context = new { groupId = listedByBob },
        }), HostFixture.HandbookKey))
        {
            Assert.Equal(200, (int)page.StatusCode);
        }

        // 7 taken; the pricing pageview and both events of the unlisted org dropped; 4 delivered.
        var status = await host.PipelineStatusWhenAsync(ws, pipelineId, s => s.Stat("matched") == 7 && s.Stat("delivered") == 4, "7 matched and 4 delivered");
        Assert.Equal((3L, 0L, 0L), (status.Stat("filtered_out"), status.Stat("pending"), status.Stat("failed")));

        var ada = host.Slack.Messages.Where(m => m.Channel == adaChannel).Select(BlockTexts).ToList();
        var bob = host.Slack.Messages.Where(m => m.Channel == bobChannel).Select(BlockTexts).ToList();
        Assert.Equal(2, ada.Count);
        Assert.Equal(2, bob.Count);
        Assert.Contains(ada, t => t.Contains($"{a1}@customer.example · $pageview · https://handbook.example/docs/start", StringComparison.Ordinal));
        Assert.Contains(ada, t => t.Contains($"{a1}@customer.example · feature.used ·", StringComparison.Ordinal));
        Assert.Contains(bob, t => t.Contains($"{b1}@customer.example · $pageview · https://handbook.example/docs/api", StringComparison.Ordinal));
        Assert.Contains(bob, t => t.Contains($"{b1}@customer.example · $pageview · https://handbook.example/docs/webhooks", StringComparison.Ordinal));
        Assert.DoesNotContain(ada.Concat(bob), t => t.Contains("pricing", StringComparison.Ordinal) || t.Contains(unlisted, StringComparison.Ordinal));
        Assert.DoesNotContain(host.Slack.Messages, m => Blocks(m).Contains(unlisted, StringComparison.Ordinal) || Blocks(m).Contains(c1, StringComparison.Ordinal));
    }
}
