using System.Text;
using System.Text.Json.Nodes;
using IngestLayer.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace IngestLayer.EndToEndTests;

[Collection(HostCollection.Name)]
public class OwnerImportTests(HostFixture host)
{
    private async Task<(int Status, JsonNode Body)> ImportAsync(string csv, string mediaType = "text/csv")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ops/owners/import") { Content = new StringContent(csv, Encoding.UTF8, mediaType) };
        request.Headers.Authorization = HostFixture.Bearer(HostFixture.AdminToken);
        using var response = await host.Http.SendAsync(request);
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Fact]
    public async Task good_rows_assign_owners_and_bad_rows_are_reported_by_line()
    {
        var (a, b) = (Api.NewId("acct"), Api.NewId("acct"));

        var (status, body) = await ImportAsync($"account_id,owner,slack_channel\n{a},ada@vendor.example,#ada-alerts\n,nobody,#x\n{b},bob@vendor.example,\n");

        Assert.Equal(200, status);
        Assert.Equal(2, body["applied"]!.GetValue<int>());
        var error = Assert.Single(body["errors"]!.AsArray());
        Assert.Equal(3, error!["line"]!.GetValue<int>());
        var account = await host.AccountAsync(a);
        Assert.Equal("ada@vendor.example", account["account"]!["profile"]!["owner"]!.GetValue<string>());
        Assert.Equal("#ada-alerts", account["account"]!["profile"]!["slack_channel"]!.GetValue<string>());

        // The import is also kept in the owner store (PostgreSQL in durable mode), not only in the grains.
        var store = host.Services.GetRequiredService<IOwnerStore>();
        Assert.Equal(new OwnerRecord(a, "ada@vendor.example", "#ada-alerts"), await store.GetAsync("default", a, CancellationToken.None));
        Assert.Equal(new OwnerRecord(b, "bob@vendor.example", null), await store.GetAsync("default", b, CancellationToken.None));
    }

    [Fact]
    public async Task a_file_without_the_header_or_of_another_type_is_refused()
    {
        var (status, body) = await ImportAsync("acme,ada,#a\n");
        Assert.Equal(400, status);
        Assert.Contains("header must be account_id,owner,slack_channel", body["detail"]!.GetValue<string>());

        (status, _) = await ImportAsync("{}", "application/json");
        Assert.Equal(415, status);
    }
}
