using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using IngestLayer.Testing;
using static IngestLayer.ClusterTests.ClusterApi;

namespace IngestLayer.ClusterTests;

/// <summary>
/// A real host in durable mode, killed with SIGKILL in the middle of a load whose client records every
/// acknowledged message id, then started again: every acknowledged event is stored once and counted once,
/// work acknowledged but not yet applied reaches its grains without them being touched, and no alert is
/// sent twice.
/// </summary>
public sealed class CrashTests() : FreshDatabaseTest("crash")
{
    private const string HostId = "crash-test-host";
    private const int Accounts = 12;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly (int Silo, int Gateway) _ports = (HostProcess.FreePort(), HostProcess.FreePort());

    [Fact]
    public async Task a_host_killed_mid_load_loses_no_acknowledged_event_and_counts_none_twice()
    {
        var host = await StartAsync();
        string Account(int i) => $"crash-acct-{i}";
        // A third of the accounts are on the free plan and use a paid feature: each must get exactly one alert.
        for (var i = 0; i < Accounts; i++)
        {
            await host.PostGroupAsync(new { userId = $"owner-{i}", groupId = Account(i), traits = new { plan = i % 3 == 0 ? "free" : "pro" } });
        }

        var acknowledged = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(() => LoadAsync(host, w, acknowledged, stop.Token))).ToArray();

        // Kill once enough is acknowledged that checkpoints and snapshot flushes have happened mid-load.
        await EventuallyAsync(async () => { await Task.Delay(100); return acknowledged.Count >= 4_000 ? "" : null; },
            "4,000 acknowledged events before the kill", TimeSpan.FromSeconds(90));
        await host.KillAsync();
        stop.Cancel();
        await Task.WhenAll(workers);
        await host.DisposeAsync();
        // Otherwise there would be nothing for the restart to replay, and the test would prove less.
        Assert.False(await CheckpointCaughtUpAsync(), "the kill left no stored event past the dispatch checkpoint");

        var restarted = await StartAsync();
        try
        {
            // The restarted host replays what it acknowledged after its last checkpoint, untouched by any read:
            // the checkpoint reaches the newest stored event before anything is asked of it.
            await EventuallyAsync(async () => await CheckpointCaughtUpAsync() ? "" : null,
                "the restarted host's dispatch checkpoint to reach its newest stored event", TimeSpan.FromSeconds(60));

            var stored = await Sql.StringsAsync(ConnectionString, "SELECT message_id FROM event_log WHERE kind = 'track'");
            Assert.Equal(stored.Count, stored.Distinct().Count());
            var missing = acknowledged.Except(stored).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} acknowledged events are not in the log, e.g. {string.Join(", ", missing.Take(5))}");

            var perAccount = (await Sql.StringsAsync(ConnectionString,
                "SELECT account_id || '=' || count(*) FROM event_log WHERE kind = 'track' GROUP BY account_id"))
                .Select(r => r.Split('=')).ToDictionary(r => r[0], r => long.Parse(r[1], CultureInfo.InvariantCulture));
            for (var i = 0; i < Accounts; i++)
            {
                var account = await restarted.AccountAsync(Account(i));
                Assert.NotNull(account);
                Assert.Equal(perAccount.GetValueOrDefault(Account(i)), Count(account!, "events", "feature.used"));
            }

            var alerts = await Sql.StringsAsync(ConnectionString,
                "SELECT account_id || ':' || signal || ':' || count(*) FROM alert_outbox GROUP BY account_id, signal ORDER BY 1");
            var expected = Enumerable.Range(0, Accounts).Where(i => i % 3 == 0).Select(i => $"{Account(i)}:paid_feature_on_free_plan:1").Order();
            Assert.Equal(expected, alerts);
        }
        finally
        {
            await restarted.DisposeAsync();
        }
    }

    private async Task LoadAsync(HostProcess host, int worker, ConcurrentBag<string> acknowledged, CancellationToken stop)
    {
        var random = new Random(worker);
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var events = Enumerable.Range(0, 25).Select(i =>
            {
                var account = random.Next(Accounts);
                return new
                {
                    @event = "feature.used",
                    user_id = $"crash-user-{random.Next(60)}",
                    account_id = $"crash-acct-{account}",
                    message_id = $"w{worker}-{n}-{i}",
                    properties = new { feature = random.Next(4) == 0 ? "csv.export" : "reports" },
                };
            }).ToArray();
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseAddress, "/v1/events")) { Content = JsonContent.Create(new { events }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TwoHostCluster.WriteKey);
            try
            {
                using var response = await Http.SendAsync(request, stop);
                if (response.IsSuccessStatusCode)
                {
                    foreach (var e in events)
                    {
                        acknowledged.Add(e.message_id);
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                // The host is gone (or going): what it did not acknowledge is not counted on.
                await Task.Delay(20, CancellationToken.None);
            }
        }
    }

    private async Task<bool> CheckpointCaughtUpAsync()
    {
        var values = await Sql.StringsAsync(ConnectionString,
            $"SELECT coalesce((SELECT position FROM dispatch_checkpoints WHERE origin = '{HostId}'), 0) >= (SELECT max(position) FROM event_log WHERE ingested_by = '{HostId}')");
        return values is ["True"];
    }

    private Task<HostProcess> StartAsync() => HostProcess.StartDurableAsync("crash", ConnectionString, new Dictionary<string, string>
    {
        ["IngestLayer__HostId"] = HostId,
        ["IngestLayer__Signals__PaidFeatures__0"] = "csv.export",
        // Checkpoints and snapshot writes every second, so the kill lands between them with both in play.
        ["IngestLayer__Dispatch__CheckpointInterval"] = "00:00:01",
        ["IngestLayer__GrainState__FlushInterval"] = "00:00:01",
    }, _ports);
}
