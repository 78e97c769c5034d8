using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using static IngestLayer.ClusterTests.ClusterApi;

namespace IngestLayer.ClusterTests;

/// <summary>
/// PostHog's SDKs retry 408, 429 and 5xx and drop anything else: while the database is away, a posthog-node
/// batch must get 503 with Retry-After (never a 400), and its retry must be counted once when it is back.
/// </summary>
public sealed class PostHogOutageTests() : ProxiedDatabaseTest("posthog_outage")
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    [Fact]
    public async Task a_posthog_batch_gets_503_with_retry_after_while_the_store_is_away_and_its_retry_counts_once()
    {
        await using var host = await HostProcess.StartDurableAsync("posthog-outage", ThroughProxy);
        var account = NewId("ph-outage");
        var batch = Gzip($$$$"""
            {"api_key":"{{{{TwoHostCluster.WriteKey}}}}","batch":[
              {"event":"feature.used","distinct_id":"u1","uuid":"{{{{Guid.NewGuid()}}}}","properties":{"feature":"reports","$groups":{"organization":"{{{{account}}}}"}}}
            ]}
            """);

        Proxy.Stop();
        using (var during = await PostAsync(host, batch))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
            Assert.NotNull(during.Headers.RetryAfter);
        }

        Proxy.Start();
        await EventuallyAsync(async () =>
        {
            using var retry = await PostAsync(host, batch);
            return retry.IsSuccessStatusCode ? "" : null;
        }, "the same batch to be accepted once the database is back", TimeSpan.FromSeconds(60));

        // Retries after the first success are duplicates by uuid: one use, however many attempts it took.
        using (var again = await PostAsync(host, batch))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        var state = await EventuallyAsync(async () => await host.AccountAsync(account) is { } a && Count(a, "features", "reports") >= 1 ? a : null,
            "the account to count the retried PostHog event", TimeSpan.FromSeconds(60));
        Assert.Equal(1, Count(state, "features", "reports"));
    }

    private static async Task<HttpResponseMessage> PostAsync(HostProcess host, byte[] gzipped)
    {
        var content = new ByteArrayContent(gzipped);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        return await Http.PostAsync(new Uri(host.BaseAddress, "/batch/"), content);
    }

    private static byte[] Gzip(string json)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(json));
        }

        return compressed.ToArray();
    }
}
