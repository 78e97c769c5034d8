using System.Text.Json.Nodes;
using static IngestLayer.ClusterTests.ClusterApi;

namespace IngestLayer.ClusterTests;

/// <summary>Rebuilding one account over the HTTP API of a durable host: the live state again, nothing sent for the past.</summary>
public sealed class RebuildTests() : DurableRebuild("rebuild")
{
    [Fact]
    public async Task a_rebuild_reproduces_the_live_state_and_a_rule_the_past_now_crosses_sends_nothing_then_or_on_the_next_batch()
    {
        var (acme, globex) = (NewId("acme"), NewId("globex"));
        Assert.Equal(201, (await Host.OpsAsync(HttpMethod.Post, "/ops/rules", Reports(10))).Status);
        await ReportsAsync(acme, 4);
        // Names no account: attributed through u0's membership, live and in the replay alike.
        await Host.PostEventsAsync(new { events = new[] { new { @event = "dashboard viewed", user_id = "u0" } } });
        var live = await AppliedAsync(acme, 5);

        var (status, result, _) = await Host.OpsAsync(HttpMethod.Post, $"/ops/accounts/{acme}/rebuild");

        Assert.Equal(200, status);
        Assert.Equal((5L, 0, 5L, 5L), (result!["events_replayed"]!.GetValue<long>(), result["alerts_suppressed"]!.GetValue<int>(),
            result["before"]!["events_applied"]!.GetValue<long>(), result["after"]!["events_applied"]!.GetValue<long>()));
        Assert.Equal(Comparable(live), Comparable((await Host.AccountAsync(acme))!));

        // The rule changes so that acme's past crosses it: the rebuild fires it only inside the replay.
        Assert.Equal(200, (await Host.OpsAsync(HttpMethod.Put, "/ops/rules/reports", Reports(3))).Status);
        (status, result, _) = await Host.OpsAsync(HttpMethod.Post, $"/ops/accounts/{acme}/rebuild");
        Assert.Equal(200, status);
        Assert.Equal(1, result!["alerts_suppressed"]!.GetValue<int>());
        Assert.Equal(["reports"], result["rules_holding"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Empty(await AlertsAsync(acme));

        // Still crossed (5 >= 3) on the next live batch: latched, so nothing. Globex crosses it live, which does send.
        await ReportsAsync(acme, 1, firstUser: 7);
        await ReportsAsync(globex, 3);
        await AppliedAsync(acme, 6);
        await AppliedAsync(globex, 3);
        Assert.Single(await AlertsAsync(globex));
        var sent = await Slack.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30));
        Assert.Empty(await AlertsAsync(acme));
        Assert.Contains(globex, Assert.Single(sent).Text, StringComparison.Ordinal);
        Assert.Equal(1, (await Host.AccountAsync(acme))!["events"]!["dashboard viewed"]!["24h"]!.GetValue<long>());
    }

    [Fact]
    public async Task rebuilds_racing_live_ingest_neither_lose_nor_double_count_an_event()
    {
        var acme = NewId("acme");
        const int Batches = 20, PerBatch = 10;
        var ingest = Task.Run(async () =>
        {
            for (var i = 0; i < Batches; i++)
            {
                await ReportsAsync(acme, PerBatch, firstUser: i * PerBatch);
            }
        });
        var rebuilds = 0;
        while (!ingest.IsCompleted)
        {
            var (status, _, _) = await Host.OpsAsync(HttpMethod.Post, $"/ops/accounts/{acme}/rebuild");
            Assert.True(status is 200 or 404, $"rebuild answered {status}"); // 404 until the first event is stored
            rebuilds += status == 200 ? 1 : 0;
        }

        await ingest;
        var account = await AppliedAsync(acme, Batches * PerBatch); // read-your-writes: every stored event dispatched
        var (_, result, _) = await Host.OpsAsync(HttpMethod.Post, $"/ops/accounts/{acme}/rebuild");

        Assert.True(rebuilds > 0, "no rebuild ran while events were arriving");
        Assert.Equal(Batches * PerBatch, account["events"]!["report exported"]!["24h"]!.GetValue<long>());
        Assert.Equal(Batches * PerBatch, account["members"]!.GetValue<int>());
        Assert.Equal((200L, 200L, 200L), (result!["events_replayed"]!.GetValue<long>(),
            result["before"]!["events_applied"]!.GetValue<long>(), result["after"]!["events_applied"]!.GetValue<long>()));
    }

    // The log keeps times to the microsecond (timestamptz), the live state had them to the tick.
    private static string Comparable(JsonNode account)
    {
        var copy = account.DeepClone().AsObject();
        foreach (var key in (string[])["first_seen", "last_seen"])
        {
            var time = copy[key]!.GetValue<DateTimeOffset>();
            copy[key] = time.AddTicks(-(time.Ticks % 10));
        }

        return StateOf(copy);
    }

    [Fact]
    public async Task an_account_with_no_stored_events_is_a_404()
    {
        var (status, problem, _) = await Host.OpsAsync(HttpMethod.Post, $"/ops/accounts/{NewId("ghost")}/rebuild");

        Assert.Equal(404, status);
        Assert.Contains("holds no events of account", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
