using System.Text.Json.Nodes;
using static IngestLayer.ClusterTests.ClusterApi;

namespace IngestLayer.ClusterTests;

/// <summary>Bulk rebuilds over the HTTP API of a durable host: a background job, polled until done.</summary>
public sealed class BulkRebuildTests() : DurableRebuild("bulk_rebuild")
{
    [Fact]
    public async Task a_job_rebuilds_every_account_with_stored_events_or_a_list_reporting_unknown_ones_and_sends_nothing()
    {
        var (a, b, c) = (NewId("a"), NewId("b"), NewId("c"));
        Assert.Equal(201, (await Host.OpsAsync(HttpMethod.Post, "/ops/rules", Reports(10))).Status);
        await ReportsAsync(a, 4);
        await ReportsAsync(b, 3);
        await ReportsAsync(c, 1);
        await AppliedAsync(a, 4);
        await AppliedAsync(b, 3);
        await AppliedAsync(c, 1);
        Assert.Equal(200, (await Host.OpsAsync(HttpMethod.Put, "/ops/rules/reports", Reports(3))).Status);

        var all = await RunJobAsync(new { all = true });

        Assert.Equal(("done", 3, 3, 3), (all["status"]!.GetValue<string>(), all["total"]!.GetValue<int>(), all["done"]!.GetValue<int>(), all["rebuilt"]!.GetValue<int>()));
        Assert.Equal((8L, 2L, 0), (all["events_replayed"]!.GetValue<long>(), all["alerts_suppressed"]!.GetValue<long>(), all["failure_count"]!.GetValue<int>()));

        var ghost = NewId("ghost");
        var listed = await RunJobAsync(new { accounts = new[] { c, ghost, c } });

        Assert.Equal((2, 2, 1, 0L), (listed["total"]!.GetValue<int>(), listed["done"]!.GetValue<int>(), listed["rebuilt"]!.GetValue<int>(), listed["alerts_suppressed"]!.GetValue<long>()));
        var failure = Assert.Single(listed["failures"]!.AsArray());
        Assert.Equal((ghost, "no stored events"), (failure!["account_id"]!.GetValue<string>(), failure["error"]!.GetValue<string>()));

        Assert.Empty(await AlertsAsync());
        Assert.Empty(Slack.Messages);
        Assert.Equal(4, (await Host.AccountAsync(a))!["events_applied"]!.GetValue<long>());
    }

    private async Task<JsonNode> RunJobAsync(object body)
    {
        var (status, accepted, location) = await Host.OpsAsync(HttpMethod.Post, "/ops/accounts/rebuild", body);
        Assert.Equal(202, status);
        Assert.Equal($"/ops/rebuilds/{accepted!["job_id"]!.GetValue<string>()}", location!.OriginalString);
        Assert.Contains(accepted["status"]!.GetValue<string>(), (string[])["queued", "running"]);
        return await EventuallyAsync(
            async () => (await Host.OpsAsync(HttpMethod.Get, location.OriginalString)).Body is { } job && job["status"]!.GetValue<string>() is "done" or "failed" ? job : null,
            $"rebuild job {location} to finish");
    }
}
