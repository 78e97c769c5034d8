using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace IngestLayer.EndToEndTests;

/// <summary>
/// Overload answers on a host with tiny limits: a source over its events per second gets 429 with Retry-After
/// (other sources go on), and requests beyond the concurrency limit get 503 with Retry-After: 1, never a 400.
/// </summary>
[Collection(LimitedHostCollection.Name)]
public sealed class IngestLimitsTests(LimitedHostFixture host)
{
    [Fact]
    public async Task a_source_over_its_events_per_second_gets_429_with_retry_after_while_another_source_is_unaffected()
    {
        var limited = LimitedHostFixture.ConfiguredKeys["limited"];

        using var burst = await PostAsync(limited, Events(LimitedHostFixture.BurstEvents));
        using var over = await PostAsync(limited, Events(5));
        using var other = await PostAsync(LimitedHostFixture.ConfiguredKeys["unlimited"], Events(5));

        Assert.Equal(HttpStatusCode.OK, burst.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.InRange(over.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        Assert.Equal("application/problem+json", over.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await over.Content.ReadAsStringAsync())!;
        Assert.Contains("limit of 1 events per second (IngestLayer:RateLimits:PerKeyEventsPerSecond)", problem["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task a_request_beyond_the_concurrency_limit_gets_503_with_retry_after_while_ops_calls_go_on()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var heldRequest = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = new HeldContent(Events(1), release.Task) };
        heldRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", LimitedHostFixture.ConfiguredKeys["held"]);
        var held = host.Http.SendAsync(heldRequest);
        try
        {
            // The probe's body is refused by the parser (400) once it gets a slot, so it spends no events.
            var shed = await Api.EventuallyAsync(
                async () =>
                {
                    var response = await PostAsync(LimitedHostFixture.ConfiguredKeys["probe"], "{\"user_id\":\"u\"}");
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        return response;
                    }

                    Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                    response.Dispose();
                    return null;
                },
                "a request to be shed while another holds the only slot");
            using (shed)
            {
                Assert.Equal(TimeSpan.FromSeconds(1), shed.Headers.RetryAfter?.Delta);
                Assert.Equal("application/problem+json", shed.Content.Headers.ContentType?.MediaType);
                Assert.Contains("IngestLayer:RateLimits:MaxConcurrentRequests", JsonNode.Parse(await shed.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>());
            }

            using var ops = new HttpRequestMessage(HttpMethod.Get, "/ops/sources");
            ops.Headers.Authorization = new AuthenticationHeaderValue("Bearer", LimitedHostFixture.AdminToken);
            using var opsResponse = await host.Http.SendAsync(ops);
            Assert.Equal(HttpStatusCode.OK, opsResponse.StatusCode);
            Assert.False(held.IsCompleted, "the held request should still be in flight");
        }
        finally
        {
            release.TrySetResult();
        }

        using var done = await held;
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        using var after = await PostAsync(LimitedHostFixture.ConfiguredKeys["probe"], "{\"user_id\":\"u\"}");
        Assert.Equal(HttpStatusCode.BadRequest, after.StatusCode);
    }

    private static string Events(int count) =>
        Api.Json(new { events = Enumerable.Range(0, count).Select(_ => new { @event = "page.viewed", user_id = Api.NewId("u"), account_id = Api.NewId("acct") }).ToList() });

    private async Task<HttpResponseMessage> PostAsync(string key, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await host.Http.SendAsync(request);
    }

    /// <summary>A body sent in two parts: the first byte at once, the rest when the release task completes.</summary>
    private sealed class HeldContent : HttpContent
    {
        private readonly byte[] _bytes;
        private readonly Task _release;

        public HeldContent(string json, Task release)
        {
            _bytes = Encoding.UTF8.GetBytes(json);
            _release = release;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_bytes.AsMemory(0, 1));
            await stream.FlushAsync();
            await _release;
            await stream.WriteAsync(_bytes.AsMemory(1));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
