using System.Net;
using System.Text.Json.Nodes;

namespace IngestLayer.EndToEndTests;

/// <summary>A host without the Slack app's keys: the install endpoints say which keys to set.</summary>
[Collection(LimitedHostCollection.Name)]
public sealed class SlackNotConfiguredTests(LimitedHostFixture host)
{
    [Theory]
    [InlineData("/slack/install")]
    [InlineData("/slack/oauth/callback?code=c&state=s")]
    public async Task the_install_is_a_404_problem_naming_the_keys_to_set(string path)
    {
        using var response = await host.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Slack install not configured", problem["title"]!.GetValue<string>());
        Assert.Contains("Slack:ClientId, Slack:ClientSecret and Slack:RedirectUri", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
