using System.Globalization;
using IngestLayer.Testing;
using static IngestLayer.ClusterTests.ClusterApi;

namespace IngestLayer.ClusterTests;

/// <summary>
/// Two host processes in durable mode on one database: one Orleans cluster, either gateway serving any
/// account, and a host stopped gracefully handing its grains, with their state, to the other.
/// </summary>
public sealed class TwoHostClusterTests(TwoHostCluster cluster) : IClassFixture<TwoHostCluster>, IAsyncLifetime
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    public Task InitializeAsync() => cluster.EnsureRunningAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task two_hosts_on_one_database_join_one_cluster()
    {
        var expected = new[] { cluster.SiloPortOf(cluster.A), cluster.SiloPortOf(cluster.B) }.Order().Select(p => p.ToString(CultureInfo.InvariantCulture)).ToList();

        // Status 3 is Active; an earlier test's stopped host shows as Dead (6).
        var active = await EventuallyAsync(
            async () => await Sql.StringsAsync(cluster.ConnectionString,
                $"SELECT Port FROM OrleansMembershipTable WHERE DeploymentId = '{TwoHostCluster.ClusterId}' AND Status = 3 ORDER BY Port") is { Count: 2 } rows ? rows : null,
            "two Active silos in the membership table");
        Assert.Equal(expected, active);

        var management = cluster.Grains.GetGrain<IManagementGrain>(0);
        var hosts = await EventuallyAsync(
            async () => await management.GetHosts(onlyActive: true) is { Count: 2 } h ? h : null,
            "the management grain to report two active hosts");
        Assert.Equal(expected, hosts.Keys.Select(s => s.Endpoint.Port).Order().Select(p => p.ToString(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task events_posted_to_one_host_are_read_through_the_other_and_traits_posted_to_the_other_show_on_the_first()
    {
        var account = NewId("both");
        await cluster.A.PostEventsAsync(new
        {
            events = Enumerable.Range(1, 3).Select(i => new
            {
                @event = "feature.used",
                user_id = "u-" + account,
                account_id = account,
                properties = new { feature = "csv.export", count = 2 },
            }),
        });

        var onB = await EventuallyAsync(
            async () => await cluster.B.AccountAsync(account) is { } a && Count(a, "features", "csv.export") == 6 ? a : null,
            $"host B to read the 3 events posted to host A for {account}");
        Assert.Equal(3, Count(onB, "events", "feature.used"));

        await cluster.B.PostGroupAsync(new { userId = "u-" + account, groupId = account, traits = new { name = "Acme Cluster", plan = "free" } });

        var onA = await EventuallyAsync(
            async () => await cluster.A.AccountAsync(account) is { } a && a["profile"]?["plan"]?.GetValue<string>() == "free" ? a : null,
            $"host A to read the plan posted to host B for {account}");
        Assert.Equal("Acme Cluster", onA["profile"]!["name"]!.GetValue<string>());
        Assert.Equal(6, Count(onA, "features", "csv.export"));

        // One grain activation serves both hosts: they read the very same state.
        var onBAgain = await cluster.B.AccountAsync(account);
        Assert.Equal(StateOf(onA), StateOf(onBAgain!));
    }

    [Fact]
    public async Task stopping_a_host_gracefully_moves_its_grains_to_the_other_host_with_their_state()
    {
        // Placement weighs the silos' load (resource-optimized), so which host gets the grains varies: the test
        // stops whichever host holds some of them and reads them back through the other.
        var prefix = NewId("move");
        var accounts = Enumerable.Range(1, 12).Select(i => $"{prefix}-{i:00}").ToList();
        var before = new Dictionary<string, string>();
        await PlaceAccountsAsync(accounts, before);

        var keys = accounts.Select(a => $"acct:default:{a}").ToHashSet();
        var management = cluster.Grains.GetGrain<IManagementGrain>(0);
        async Task<List<string>> LivingOnAsync(HostProcess host)
        {
            var silo = await EventuallyAsync(
                async () => (await management.GetHosts(onlyActive: true)).Keys.SingleOrDefault(s => s.Endpoint.Port == cluster.SiloPortOf(host)),
                $"the management grain to list host {host.Name}'s silo");
            var statistics = await management.GetDetailedGrainStatistics(hostsIds: [silo]);
            return statistics.Select(s => s.GrainId.Key.ToString()).Where(keys.Contains).Order().ToList();
        }

        var onA = await LivingOnAsync(cluster.A);
        var (leaving, staying, moved) = onA.Count > 0 ? (cluster.A, cluster.B, onA) : (cluster.B, cluster.A, await LivingOnAsync(cluster.B));
        Assert.True(moved.Count > 0, $"none of the {accounts.Count} accounts is active on either host");

        // The flush interval and the checkpoint are an hour away: nothing is written while the grains are active.
        var storedSql = $"SELECT GrainIdExtensionString FROM OrleansStorage WHERE ServiceId = '{TwoHostCluster.ServiceId}' " +
                        $"AND GrainIdExtensionString LIKE 'acct:default:{prefix}-%' ORDER BY GrainIdExtensionString";
        Assert.Empty(await Sql.StringsAsync(cluster.ConnectionString, storedSql));

        Assert.Equal(0, await leaving.StopGracefullyAsync(StopTimeout));

        // The leaving host wrote the state of every grain it held as it shut down. (The other may write some of
        // its own too: seen here when the departing host's part of the grain directory moves, a few deactivate.)
        var stored = await Sql.StringsAsync(cluster.ConnectionString, storedSql);
        Assert.Subset(stored.ToHashSet(), moved.ToHashSet());
        foreach (var account in accounts)
        {
            var after = await EventuallyAsync(
                () => staying.AccountAsync(account),
                $"host {staying.Name} to read {account} after host {leaving.Name} stopped");
            Assert.Equal(before[account], StateOf(after));
        }
    }

    /// <summary>Events to the accounts through A, their plans through B, and each account's state as B reads it.</summary>
    private async Task PlaceAccountsAsync(List<string> accounts, Dictionary<string, string> before)
    {
        await cluster.A.PostEventsAsync(new
        {
            events = accounts.SelectMany((account, i) => Enumerable.Range(0, 2).Select(_ => new
            {
                @event = "feature.used",
                user_id = "u-" + account,
                account_id = account,
                properties = new { feature = "api.access", count = i + 1 },
            })),
        });
        // A read through A waits for A's dispatch of what it acknowledged (rounds are paced in durable mode),
        // so A's calls activate the grains before B's group calls can.
        await cluster.A.AccountAsync(accounts[0]);
        foreach (var (account, i) in accounts.Select((a, i) => (a, i)))
        {
            await cluster.B.PostGroupAsync(new { userId = "u-" + account, groupId = account, traits = new { name = "Mover " + i, plan = i % 2 == 0 ? "free" : "pro" } });
        }

        foreach (var (account, i) in accounts.Select((a, i) => (a, i)))
        {
            var state = await EventuallyAsync(
                async () => await cluster.B.AccountAsync(account) is { } a && Count(a, "features", "api.access") == 2 * (i + 1) && a["profile"]?["plan"] is not null ? a : null,
                $"host B to read the events (via A) and the plan (via B) of {account}");
            before[account] = StateOf(state);
        }
    }

    [Fact]
    public async Task a_slack_app_installed_through_one_host_posts_through_the_other_with_the_token_never_stored_in_clear()
    {
        // The browser starts at host A; Slack sends it back to host B (a load balancer may well do that).
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
        using var install = await browser.GetAsync(new Uri(cluster.A.BaseAddress, "/slack/install?workspace=slackws"));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, install.StatusCode);
        var callback = cluster.Slack.Authorize(install.Headers.Location!);
        using var completed = await browser.GetAsync(new Uri(cluster.B.BaseAddress, callback.PathAndQuery));
        var page = await completed.Content.ReadAsStringAsync();
        Assert.True(completed.IsSuccessStatusCode, $"The callback on host B answered {(int)completed.StatusCode}: {page}");
        Assert.Contains("Fake Slack", page, StringComparison.Ordinal);
        var token = cluster.Slack.IssuedTokens[^1];

        // In the database: the team, never the token; one key ring for both hosts.
        var row = Assert.Single(await Sql.StringsAsync(cluster.ConnectionString, "SELECT row_to_json(i)::text FROM slack_installations i WHERE workspace = 'slackws'"));
        Assert.Contains("T0FAKESLACK", row, StringComparison.Ordinal);
        Assert.DoesNotContain(token, row, StringComparison.Ordinal);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(cluster.ConnectionString, "SELECT count(*) FROM data_protection_keys"));

        // Host A decrypts what host B stored: it lists the team's channels as the installed bot.
        var (status, channels, _) = await cluster.A.OpsAsync(HttpMethod.Get, "/ops/slack/channels?workspace=slackws");
        Assert.Equal(200, status);
        Assert.Contains(channels!["channels"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "alerts");
        Assert.Equal(token, cluster.Slack.Calls.Last(c => c.Method == "conversations.list").BearerToken);

        // A replay of the callback, on either host, is refused: the state was used.
        using var replayed = await browser.GetAsync(new Uri(cluster.A.BaseAddress, callback.PathAndQuery));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.Contains("already used", await replayed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
