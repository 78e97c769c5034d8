namespace IngestLayer.EndToEndTests;

/// <summary>The official <c>posthog-node</c> client, changed only in its host, drives the host.</summary>
[Collection(HostCollection.Name)]
public class PostHogClientTests(HostFixture host)
{
    private static readonly NodePackage Script = new(Path.Combine(AppContext.BaseDirectory, "posthog"));

    [Fact]
    public async Task posthog_node_identify_group_identify_and_captures_show_up_in_the_account_and_user()
    {
        await Script.EnsureInstalledAsync();
        var (user, account) = (Api.NewId("ada"), Api.NewId("acme"));

        var (exit, output) = await Script.RunAsync("node", $"send.mjs {host.BaseAddress.ToString().TrimEnd('/')} {HostFixture.WriteKey} {user} {account}", TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"posthog-node exited {exit}:\n{output}");

        var state = (await host.AccountAsync(account))["account"]!;
        Assert.Equal("Acme Inc", state["profile"]!["name"]!.GetValue<string>());
        Assert.Equal("free", state["profile"]!["plan"]!.GetValue<string>());
        Assert.Equal("grace@vendor.example", state["profile"]!["owner"]!.GetValue<string>());
        Assert.Equal("#grace-alerts", state["profile"]!["slack_channel"]!.GetValue<string>());
        Assert.Equal(3, state["features"]!["reports.schedule"]!["24h"]!.GetValue<long>());
        // Attributed through the user's membership: the second capture and the pageview name no organization.
        Assert.Equal(1, state["events"]!["team member invited"]!["24h"]!.GetValue<long>());
        Assert.Equal(1, state["events"]!["$pageview"]!["24h"]!.GetValue<long>());
        Assert.Equal(1, state["active_users"]!["1d"]!.GetValue<int>());

        var (status, userState) = await host.OpsGetAsync($"/ops/users/{user}");
        Assert.Equal(200, status);
        Assert.Equal("ada@acme.example", userState!["email"]!.GetValue<string>());
        Assert.Equal("Ada Lovelace", userState["name"]!.GetValue<string>());
        Assert.Equal(account, userState["account_id"]!.GetValue<string>());
        Assert.Equal(1, userState["events"]!["$pageview"]!["24h"]!.GetValue<long>());
    }
}
