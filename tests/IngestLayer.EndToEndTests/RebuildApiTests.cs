using System.Text;
using System.Text.Json.Nodes;

namespace IngestLayer.EndToEndTests;

/// <summary>
/// The rebuild endpoints on an embedded host: requests are validated, and a rebuild is refused with 409 since
/// the embedded log keeps no event bodies (durable rebuilds are tested in the cluster tests).
/// </summary>
[Collection(HostCollection.Name)]
public class RebuildApiTests(HostFixture host)
{
    private async Task<(int Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? json = null, string? token = HostFixture.AdminToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = HostFixture.Bearer(token);
        }

        using var response = await host.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, body.Length == 0 ? null : JsonNode.Parse(body));
    }

    [Fact]
    public async Task embedded_mode_refuses_a_rebuild_with_409_saying_to_run_durable()
    {
        var acme = Api.NewId("acme");
        await host.PostEventsAsync(Api.Json(new { events = new[] { new { @event = "report exported", user_id = "u1", account_id = acme } } }));

        var (single, problem) = await SendAsync(HttpMethod.Post, $"/ops/accounts/{acme}/rebuild");
        var (bulk, bulkProblem) = await SendAsync(HttpMethod.Post, "/ops/accounts/rebuild", """{"all": true}""");

        Assert.Equal(409, single);
        Assert.Equal("No stored events", problem!["title"]!.GetValue<string>());
        Assert.Contains("durable mode", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(409, bulk);
        Assert.Equal(problem["detail"]!.GetValue<string>(), bulkProblem!["detail"]!.GetValue<string>());
        Assert.Equal(1, (await host.AccountAsync(acme))["account"]!["events_applied"]!.GetValue<long>()); // untouched
    }

    [Theory]
    [InlineData("""["a"]""", "must be a JSON object")]
    [InlineData("""{}""", "'accounts' or 'all' is required")]
    [InlineData("""{"accounts": ["a"], "all": true}""", "not both")]
    [InlineData("""{"accounts": []}""", "'accounts' is empty")]
    [InlineData("""{"accounts": "a"}""", "'accounts' must be an array")]
    [InlineData("""{"accounts": ["a", 7]}""", "'accounts[1]' must be an account id")]
    [InlineData("""{"accounts": ["a", ""]}""", "'accounts[1]' must be an account id")]
    [InlineData("""{"all": false}""", "'all' must be true")]
    [InlineData("""{"all": "yes"}""", "'all' must be true")]
    public async Task a_bulk_rebuild_body_that_names_no_accounts_clearly_is_a_400_naming_the_field(string json, string expected)
    {
        var (status, problem) = await SendAsync(HttpMethod.Post, "/ops/accounts/rebuild", json);

        Assert.Equal(400, status);
        Assert.Equal("Invalid rebuild", problem!["title"]!.GetValue<string>());
        Assert.Contains(expected, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_bulk_rebuild_of_more_than_ten_thousand_accounts_is_a_400()
    {
        var json = Api.Json(new { accounts = Enumerable.Range(0, 10_001).Select(i => "account-" + i) });

        var (status, problem) = await SendAsync(HttpMethod.Post, "/ops/accounts/rebuild", json);

        Assert.Equal(400, status);
        Assert.Contains("'accounts' has 10001 ids, over the limit of 10000", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task rebuilding_needs_the_admin_token_and_an_unknown_job_is_a_404()
    {
        var (unauthorized, _) = await SendAsync(HttpMethod.Post, "/ops/accounts/acme/rebuild", token: null);
        var (unknown, problem) = await SendAsync(HttpMethod.Get, "/ops/rebuilds/rb_" + Guid.NewGuid().ToString("N"));
        var (malformed, _) = await SendAsync(HttpMethod.Get, "/ops/rebuilds/not-a-job");

        Assert.Equal(401, unauthorized);
        Assert.Equal(404, unknown);
        Assert.Contains("No rebuild job has the id", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(404, malformed);
    }
}
