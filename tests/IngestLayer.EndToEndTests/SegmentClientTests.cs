namespace IngestLayer.EndToEndTests;

/// <summary>The official <c>@segment/analytics-node</c> client, changed only in its host, drives the host.</summary>
[Collection(HostCollection.Name)]
public class SegmentClientTests(HostFixture host)
{
    private static readonly NodePackage Script = new(Path.Combine(AppContext.BaseDirectory, "segment"));

    [Fact]
    public async Task analytics_node_identify_group_and_track_show_up_in_the_account()
    {
        await Script.EnsureInstalledAsync();
        var (user, account) = (Api.NewId("ada"), Api.NewId("acme"));

        var (exit, output) = await Script.RunAsync("node", $"send.mjs {host.BaseAddress.ToString().TrimEnd('/')} {HostFixture.WriteKey} {user} {account}", TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"analytics-node exited {exit}:\n{output}");

        var state = (await host.AccountAsync(account))["account"]!;
        Assert.Equal("Acme Inc", state["profile"]!["name"]!.GetValue<string>());
        Assert.Equal("free", state["profile"]!["plan"]!.GetValue<string>());
        Assert.Equal("grace@vendor.example", state["profile"]!["owner"]!.GetValue<string>());
        Assert.Equal("#grace-alerts", state["profile"]!["slack_channel"]!.GetValue<string>());
        Assert.Equal(3, state["features"]!["reports.schedule"]!["24h"]!.GetValue<long>());
        // Attributed through the group membership: the second track and the page name no account.
        Assert.Equal(1, state["events"]!["team member invited"]!["24h"]!.GetValue<long>());
        Assert.Equal(1, state["events"]!["$pageview"]!["24h"]!.GetValue<long>());
        Assert.Equal(1, state["active_users"]!["1d"]!.GetValue<int>());

        var (status, userState) = await host.OpsGetAsync($"/ops/users/{user}");
        Assert.Equal(200, status);
        Assert.Equal("ada@acme.example", userState!["email"]!.GetValue<string>());
        Assert.Equal(account, userState["account_id"]!.GetValue<string>());
    }
}
