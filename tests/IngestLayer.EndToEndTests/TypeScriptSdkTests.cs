using System.Text.RegularExpressions;

namespace IngestLayer.EndToEndTests;

/// <summary>
/// The TypeScript SDK's own suites (<c>src/sdk/typescript</c>, <c>npm test</c>: unit tests against a local
/// fake, type tests, and the integration test) run here against the real host, so the README's test command
/// runs them; then the account is read back to see that the integration test's events arrived, once each.
/// </summary>
[Collection(HostCollection.Name)]
public class TypeScriptSdkTests(HostFixture host)
{
    private static readonly NodePackage Package = new(FindPackageDirectory());

    [Fact]
    public async Task typescript_sdk_suites_pass_and_their_events_show_up_in_the_account()
    {
        await Package.EnsureInstalledAsync();
        var (user, account) = (Api.NewId("ts-ada"), Api.NewId("ts-acme"));

        // `npm test` builds first (pretest: the ESM and CJS builds, then the tests), then runs node --test.
        var (exit, output) = await Package.RunAsync("npm", "test", TimeSpan.FromMinutes(5), new Dictionary<string, string>
        {
            ["INGESTLAYER_URL"] = host.BaseAddress.ToString().TrimEnd('/'),
            ["INGESTLAYER_WRITE_KEY"] = HostFixture.WriteKey,
            ["INGESTLAYER_TEST_USER"] = user,
            ["INGESTLAYER_TEST_ACCOUNT"] = account,
        });
        Assert.True(exit == 0, $"npm test exited {exit}:\n{output}");

        // node:test's summary (TAP "# pass 31" when its output is not a terminal; newer Nodes' spec reporter
        // "ℹ pass 31"): everything passed, and the integration suite ran (it skips itself without INGESTLAYER_URL).
        var passed = int.Parse(SummaryCount(output, "pass") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(passed >= 30, $"only {passed} tests passed:\n{output}");
        Assert.True(SummaryCount(output, "fail") == "0", $"failures:\n{output}");
        Assert.Contains("delivers typed events; a resent message_id is counted once", output, StringComparison.Ordinal);
        Assert.DoesNotContain("INGESTLAYER_URL is not set", output, StringComparison.Ordinal);

        var state = (await host.AccountAsync(account))["account"]!;
        Assert.Equal(2, state["features"]!["csv.export"]!["24h"]!.GetValue<long>());
        // Sent twice with one message_id: counted once.
        Assert.Equal(1, state["features"]!["reports.schedule"]!["24h"]!.GetValue<long>());
        // No account_id on the event: attributed through the user's latest account.
        Assert.Equal(1, state["events"]!["team member invited"]!["24h"]!.GetValue<long>());
        // The valid half of a partly rejected batch; the event sent with a wrong write key never counted.
        Assert.Equal(1, state["events"]!["sdk.integration"]!["24h"]!.GetValue<long>());
        Assert.Equal(1, state["active_users"]!["1d"]!.GetValue<int>());
    }

    private static string? SummaryCount(string output, string name) =>
        Regex.Match(output, $@"^(?:#|ℹ) {name} (\d+)\s*$", RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value : null;

    // The package is built and tested where it lives (its node_modules, dist and build are git-ignored).
    private static string FindPackageDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IngestLayer.Orleans.sln")))
            {
                return Path.Combine(dir.FullName, "src", "sdk", "typescript");
            }
        }

        throw new InvalidOperationException($"No IngestLayer.Orleans.sln above {AppContext.BaseDirectory}.");
    }
}
