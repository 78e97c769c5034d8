using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IngestLayer.Testing;
using static IngestLayer.ClusterTests.ClusterApi;

namespace IngestLayer.ClusterTests;

/// <summary>Rules on a durable host: stored in PostgreSQL across restarts, and a backtest of the stored log naming the alerts the host fired.</summary>
public sealed class DurableRulesTests() : FreshDatabaseTest("rules")
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<(int Status, JsonNode? Body)> SendAsync(HostProcess host, HttpMethod method, string path, object? body, string token = TwoHostCluster.AdminToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(host.BaseAddress, path));
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Fact]
    public async Task a_rule_survives_a_restart_and_a_backtest_of_the_stored_log_names_the_alert_the_host_fired()
    {
        var (acme, globex) = (NewId("acme"), NewId("globex"));
        var since = DateTimeOffset.UtcNow.AddHours(-1);
        await using (var host = await HostProcess.StartDurableAsync("rules-1", ConnectionString))
        {
            var rule = new { id = "three-reports", kind = "threshold", parameters = new { @event = "report exported", window = "24h", value = 3 } };
            Assert.Equal(201, (await SendAsync(host, HttpMethod.Post, "/ops/rules", rule)).Status);

            var events = Enumerable.Range(0, 3).Select(i => new { @event = "report exported", user_id = "u" + i, account_id = acme })
                .Concat(Enumerable.Range(0, 2).Select(i => new { @event = "report exported", user_id = "u" + i, account_id = globex }));
            Assert.Equal(200, (await SendAsync(host, HttpMethod.Post, "/v1/events", new { events }, TwoHostCluster.WriteKey)).Status);

            var live = await EventuallyAsync(
                async () => (await SendAsync(host, HttpMethod.Get, "/ops/alerts?rule=three-reports", null)).Body?.AsArray().FirstOrDefault(),
                "the live alert of rule three-reports");
            Assert.Equal(acme, live["alert"]!["account_id"]!.GetValue<string>());

            var (status, backtest) = await SendAsync(host, HttpMethod.Post, "/ops/rules/backtest", new { rule_id = "three-reports", from = since });
            Assert.Equal(200, status);
            var replayed = Assert.Single(backtest!["alerts"]!.AsArray());
            Assert.Equal(live["alert"]!["alert_id"]!.GetValue<string>(), replayed!["alert_id"]!.GetValue<string>());
            Assert.Equal(acme, replayed["account_id"]!.GetValue<string>());
            Assert.Equal(1, backtest["per_channel"]!["(default)"]!.GetValue<int>());
            Assert.Single((await SendAsync(host, HttpMethod.Get, "/ops/alerts?rule=three-reports", null)).Body!.AsArray()); // the replay enqueued nothing

            Assert.Equal(0, await host.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
        }

        await using var restarted = await HostProcess.StartDurableAsync("rules-2", ConnectionString);
        var (_, list) = await SendAsync(restarted, HttpMethod.Get, "/ops/rules", null);
        Assert.False(list!["default"]!.GetValue<bool>());
        var stored = Assert.Single(list["rules"]!.AsArray(), r => r!["id"]!.GetValue<string>() == "three-reports");
        Assert.Equal(1, stored!["version"]!.GetValue<int>());
        Assert.Equal(["1 false"], await Sql.StringsAsync(ConnectionString,
            "SELECT version || ' ' || deleted FROM config_documents WHERE kind = 'rule' AND id = 'three-reports'"));
    }
}
