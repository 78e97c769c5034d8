using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using IngestLayer.Testing;
using static IngestLayer.ClusterTests.ClusterApi;

namespace IngestLayer.ClusterTests;

/// <summary>
/// A durable host whose database goes away: ingestion answers 503 with Retry-After (never a 2xx it cannot
/// keep), the host stays up, and it takes events again by itself once the database is back.
/// </summary>
public sealed class DatabaseOutageTests() : ProxiedDatabaseTest("outage")
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    [Fact]
    public async Task ingestion_answers_503_with_retry_after_while_the_database_is_away_and_recovers_by_itself()
    {
        await using var host = await HostProcess.StartDurableAsync("outage", ThroughProxy);
        var account = NewId("outage");

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(host, account, "before")).StatusCode);

        Proxy.Stop();
        using (var during = await PostAsync(host, account, "during"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
            Assert.NotNull(during.Headers.RetryAfter);
            Assert.Contains("store", await during.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        Proxy.Start();
        // The client retries as SDKs do on 503; the host reconnects by itself, and the retried event counts once.
        await EventuallyAsync(async () =>
        {
            using var retry = await PostAsync(host, account, "during");
            return retry.IsSuccessStatusCode ? "" : null;
        }, "an append to succeed again after the database came back", TimeSpan.FromSeconds(60));

        Assert.False(host.HasExited, "the host must stay up through the outage");
        // "before" was acknowledged just as the database went away: its round is retried until it is through.
        await EventuallyAsync(async () => await host.AccountAsync(account) is { } a && Count(a, "events", "feature.used") == 2 ? a : null,
            "the account to count the event acknowledged before the outage and the retried one", TimeSpan.FromSeconds(60));
        Assert.Equal(["1"], await Sql.StringsAsync(ConnectionString, $"SELECT count(*) FROM event_log WHERE account_id = '{account}' AND message_id = 'during'"));
    }

    private static async Task<HttpResponseMessage> PostAsync(HostProcess host, string account, string messageId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseAddress, "/v1/events"))
        {
            Content = JsonContent.Create(new { @event = "feature.used", user_id = "u1", account_id = account, message_id = messageId, properties = new { feature = "reports" } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TwoHostCluster.WriteKey);
        return await Http.SendAsync(request);
    }
}
