using IngestLayer.Testing;
using static IngestLayer.ClusterTests.ClusterApi;

namespace IngestLayer.ClusterTests;

/// <summary>
/// Two hosts in one cluster; one is killed with SIGKILL and never comes back. The survivor notices that the
/// dead host stopped checkpointing and replays the events it had acknowledged but not yet persisted in
/// grains: nothing waits for the dead host to return or for those grains to be touched.
/// </summary>
public sealed class AdoptionTests() : FreshDatabaseTest("adopt")
{
    private const string DeadHost = "adopt-dead";
    [Fact]
    public async Task a_surviving_host_dispatches_what_a_dead_host_acknowledged()
    {
        var starting = new[] { StartAsync(DeadHost), StartAsync("adopt-survivor") };
        await using var dead = await starting[0];
        await using var survivor = await starting[1];
        var prefix = NewId("adopt");
        var accounts = Enumerable.Range(0, 8).Select(i => $"{prefix}-{i}").ToList();

        // Batches to the host about to die; its checkpoint moves every second, so some of this is applied and
        // persisted, and whatever came after its last checkpoint is what the survivor must take over.
        for (var n = 0; n < 30; n++)
        {
            await dead.PostEventsAsync(new
            {
                events = accounts.Select((account, i) => new
                {
                    @event = "feature.used",
                    user_id = $"u-{i}",
                    account_id = account,
                    message_id = $"{prefix}-{n}-{i}",
                    properties = new { feature = "reports" },
                }),
            });
        }

        await dead.KillAsync();
        Assert.False(await DeadHostCheckpointedAllAsync(), "the dead host checkpointed everything: there would be nothing to take over");

        await EventuallyAsync(async () => await DeadHostCheckpointedAllAsync() ? "" : null,
            "the survivor to move the dead host's checkpoint past its last stored event", TimeSpan.FromSeconds(120));
        foreach (var account in accounts)
        {
            var state = await EventuallyAsync(() => survivor.AccountAsync(account), $"the survivor to read {account}", TimeSpan.FromSeconds(60));
            Assert.Equal(30, Count(state, "events", "feature.used"));
        }
    }

    private async Task<bool> DeadHostCheckpointedAllAsync() => await Sql.StringsAsync(ConnectionString,
        $"SELECT coalesce((SELECT position FROM dispatch_checkpoints WHERE origin = '{DeadHost}'), 0) >= (SELECT max(position) FROM event_log WHERE ingested_by = '{DeadHost}')") is ["True"];

    private Task<HostProcess> StartAsync(string hostId) => HostProcess.StartDurableAsync(hostId, ConnectionString, new Dictionary<string, string>
    {
        ["IngestLayer__HostId"] = hostId,
        ["IngestLayer__Dispatch__CheckpointInterval"] = "00:00:01",
        ["IngestLayer__Dispatch__AdoptAfter"] = "00:00:04",
        // Snapshots only at checkpoints: what the dead host did not checkpoint is lost with it.
        ["IngestLayer__GrainState__FlushInterval"] = "01:00:00",
    });
}
