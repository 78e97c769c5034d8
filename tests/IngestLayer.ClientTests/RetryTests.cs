using System.Collections.Concurrent;
using IngestLayer.Client;

namespace IngestLayer.ClientTests;

/// <summary>Which answers are retried, how long the client waits, and that a retry carries the same message ids.</summary>
public sealed class RetryTests : IAsyncLifetime
{
    private FakeIngestServer _server = null!;
    private readonly ConcurrentQueue<IngestLayerError> _errors = new();

    public async Task InitializeAsync() => _server = await FakeIngestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task a_500_then_a_200_delivers_the_batch_once_with_the_same_message_ids()
    {
        _server.Answer = (n, _) => n == 0 ? new FakeAnswer(500, """{"detail":"boom"}""") : FakeAnswer.Ok;
        await using var client = TestClients.Create(_server, _errors);

        client.Track("feature.used", TestClients.Feature("csv.export"), userId: "u1", accountId: "acme");
        client.Track("feature.used", TestClients.Feature("api.access"), userId: "u2", accountId: "acme");
        await client.FlushAsync();

        var requests = _server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(2, requests[0].MessageIds.Distinct().Count());
        Assert.Equal(requests[0].MessageIds, requests[1].MessageIds);
        Assert.All(requests, r => Assert.Equal("Bearer " + TestClients.WriteKey, r.Authorization));
        Assert.Equal(new IngestLayerClientStats(2, 2, 0, 0), client.Stats);
        Assert.Empty(_errors);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task a_retry_after_header_is_waited_out_before_the_retry(int status)
    {
        // Backoff alone would retry after about 10 ms; the server asks for a second.
        _server.Answer = (n, _) => n == 0 ? new FakeAnswer(status, """{"detail":"slow down"}""", RetryAfter: "1") : FakeAnswer.Ok;
        await using var client = TestClients.Create(_server, _errors);

        client.Track("feature.used", TestClients.Feature("csv.export"), userId: "u1", accountId: "acme");
        await client.FlushAsync();

        var requests = _server.Requests;
        Assert.Equal(2, requests.Count);
        var waited = requests[1].At - requests[0].At;
        Assert.True(waited >= TimeSpan.FromMilliseconds(950) && waited < TimeSpan.FromSeconds(3), $"the retry came {waited.TotalMilliseconds:0} ms after the {status}");
        Assert.Equal(requests[0].MessageIds, requests[1].MessageIds);
        Assert.Equal(1, client.Stats.Delivered);
    }

    [Fact]
    public void a_retry_after_longer_than_the_maximum_retry_delay_is_capped()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), ClientRetryPolicy.RetryAfter(Answer("3600"), TimeProvider.System, TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(2), ClientRetryPolicy.RetryAfter(Answer("2"), TimeProvider.System, TimeSpan.FromSeconds(30)));
        Assert.Null(ClientRetryPolicy.RetryAfter(Answer(null), TimeProvider.System, TimeSpan.FromSeconds(30)));

        static HttpResponseMessage Answer(string? retryAfter)
        {
            var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
            if (retryAfter is not null)
            {
                response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
            }

            return response;
        }
    }

    [Fact]
    public async Task a_400_is_not_retried_and_the_rejected_events_are_reported()
    {
        _server.Answer = (_, _) => new FakeAnswer(400, """
            {"title":"Invalid event","detail":"None of the 2 events is valid","errors":[{"index":0,"field":"properties.count","error":"must be 1-1000000"},{"index":1,"field":"properties.feature","error":"is required"}]}
            """);
        await using var client = TestClients.Create(_server, _errors);

        client.Track("feature.used", new { feature = "csv.export", count = 0 }, userId: "u1");
        client.Track("feature.used", new { count = 1 }, userId: "u2");
        await client.FlushAsync();

        Assert.Single(_server.Requests);
        var error = Assert.Single(_errors);
        Assert.Equal(IngestLayerErrorKind.Rejected, error.Kind);
        Assert.Equal(400, error.StatusCode);
        Assert.Equal(["u1", "u2"], error.Events.Select(e => e.Event.UserId));
        Assert.Equal(["properties.count", "properties.feature"], error.Events.Select(e => e.Field));
        Assert.Equal(new IngestLayerClientStats(2, 0, 0, 2), client.Stats);
    }

    [Fact]
    public async Task a_401_is_not_retried_and_is_reported_as_a_client_error()
    {
        _server.Answer = (_, _) => new FakeAnswer(401, """{"detail":"The write key is not known."}""");
        await using var client = TestClients.Create(_server, _errors);

        client.Track("feature.used", TestClients.Feature("csv.export"), userId: "u1");
        await client.FlushAsync();

        Assert.Single(_server.Requests);
        var error = Assert.Single(_errors);
        Assert.Equal(IngestLayerErrorKind.ClientError, error.Kind);
        Assert.Contains("The write key is not known.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task events_rejected_within_a_200_are_reported_by_index()
    {
        _server.Answer = (_, _) => new FakeAnswer(200, """{"accepted":1,"duplicates":0,"rejected":[{"index":1,"field":"user_id","error":"is too long"}]}""");
        await using var client = TestClients.Create(_server, _errors);

        client.Track("a", userId: "u1");
        client.Track("b", userId: "u2");
        await client.FlushAsync();

        var error = Assert.Single(_errors);
        Assert.Equal(IngestLayerErrorKind.Rejected, error.Kind);
        var failed = Assert.Single(error.Events);
        Assert.Equal("b", failed.Event.Event);
        Assert.Equal("user_id", failed.Field);
        Assert.Equal(new IngestLayerClientStats(2, 1, 0, 1), client.Stats);
    }

    [Fact]
    public async Task a_batch_still_failing_after_every_retry_is_reported_as_undelivered()
    {
        _server.Answer = (_, _) => new FakeAnswer(502);
        await using var client = TestClients.Create(_server, _errors, o => o.MaxRetries = 2);

        client.Track("a", userId: "u1");
        await client.FlushAsync();

        Assert.Equal(3, _server.Requests.Count);
        var error = Assert.Single(_errors);
        Assert.Equal(IngestLayerErrorKind.DeliveryFailed, error.Kind);
        Assert.Equal(502, error.StatusCode);
        Assert.Equal(1, client.Stats.Failed);
    }

    [Fact]
    public async Task a_413_splits_the_batch_until_each_part_is_taken()
    {
        _server.Answer = (_, r) => r.Events.Count > 2 ? new FakeAnswer(413, """{"detail":"too large"}""") : FakeAnswer.Ok;
        await using var client = TestClients.Create(_server, _errors);

        for (var i = 0; i < 5; i++)
        {
            client.Track("a", userId: "u" + i);
        }

        await client.FlushAsync();

        var delivered = _server.Requests.Where(r => r.Events.Count <= 2).SelectMany(r => r.Events).Select(e => e["user_id"]!.GetValue<string>());
        Assert.Equal(["u0", "u1", "u2", "u3", "u4"], delivered);
        Assert.Equal(5, client.Stats.Delivered);
        Assert.Empty(_errors);
    }
}
