using System.Collections.Concurrent;
using System.Net;
using IngestLayer.Client;
using Microsoft.Extensions.DependencyInjection;

namespace IngestLayer.ClientTests;

/// <summary>The client against the real host: what it sends arrives, once, in the account's counters.</summary>
[Collection(ClientHostCollection.Name)]
public sealed class HostIntegrationTests(ClientHostFixture host)
{
    private readonly ConcurrentQueue<IngestLayerError> _errors = new();

    [Fact]
    public async Task events_tracked_with_the_client_reach_the_account()
    {
        var account = NewId("acct");
        await using (var client = new IngestLayerClient(Options()))
        {
            for (var i = 0; i < 3; i++)
            {
                await client.IngestAsync("feature.used", new { feature = "csv.export", count = 1, plan = "free" }, userId: NewId("user"), accountId: account);
            }

            await client.IngestAsync("report exported", userId: NewId("user"), accountId: account);
        }

        Assert.Empty(_errors);
        var state = await host.AccountAsync(account);
        Assert.Equal(3, state["account"]!["features"]!["csv.export"]!["24h"]!.GetValue<long>());
        Assert.Equal(1, state["account"]!["events"]!["report exported"]!["24h"]!.GetValue<long>());
    }

    [Fact]
    public async Task a_batch_retried_after_a_lost_answer_is_counted_once()
    {
        // The first request reaches the host and is stored, but its answer is lost (a 502 from a proxy, say):
        // the client sends the same batch again and the host's dedupe by message id keeps the count right.
        var account = NewId("acct");
        var handler = new LoseFirstAnswer(new SocketsHttpHandler());
        await using (var client = new IngestLayerClient(Options(), TimeProvider.System, primaryHandler: handler))
        {
            await client.IngestAsync("feature.used", new { feature = "api.access", count = 2 }, userId: NewId("user"), accountId: account);
            await client.IngestAsync("feature.used", new { feature = "api.access", count = 3 }, userId: NewId("user"), accountId: account);
            await client.FlushAsync();
            Assert.Equal(2, handler.Attempts);
            Assert.Equal(2, client.Stats.Delivered);
        }

        Assert.Empty(_errors);
        var state = await host.AccountAsync(account);
        Assert.Equal(5, state["account"]!["features"]!["api.access"]!["24h"]!.GetValue<long>());
    }

    [Fact]
    public async Task the_client_registered_with_dependency_injection_delivers_on_disposal_of_the_container()
    {
        var account = NewId("acct");
        var services = new ServiceCollection();
        services.AddIngestLayerClient(o => Configure(o));
        await using (var provider = services.BuildServiceProvider())
        {
            var client = provider.GetRequiredService<IngestLayerClient>();
            await client.IngestAsync("feature.used", new { feature = "sso.login", count = 1 }, userId: NewId("user"), accountId: account);
        }

        Assert.Empty(_errors);
        var state = await host.AccountAsync(account);
        Assert.Equal(1, state["account"]!["features"]!["sso.login"]!["24h"]!.GetValue<long>());
    }

    [Fact]
    public async Task an_unknown_write_key_is_reported_not_retried()
    {
        await using (var client = new IngestLayerClient(Options(o => o.WriteKey = "wk_not_a_known_key")))
        {
            await client.IngestAsync("feature.used", new { feature = "csv.export" }, userId: "u1", accountId: NewId("acct"));
        }

        var error = Assert.Single(_errors);
        Assert.Equal(IngestLayerErrorKind.ClientError, error.Kind);
        Assert.Equal(401, error.StatusCode);
    }

    private IngestLayerClientOptions Options(Action<IngestLayerClientOptions>? configure = null)
    {
        var options = new IngestLayerClientOptions();
        Configure(options);
        configure?.Invoke(options);
        return options;
    }

    private void Configure(IngestLayerClientOptions o)
    {
        o.WriteKey = ClientHostFixture.WriteKey;
        o.Host = host.BaseAddress;
        o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
        o.OnError = _errors.Enqueue;
    }

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Passes every request to the host but replaces the first answer with a 502.</summary>
    private sealed class LoseFirstAnswer(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _attempts;

        public int Attempts => _attempts;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (Interlocked.Increment(ref _attempts) > 1)
            {
                return response;
            }

            response.Dispose();
            return new HttpResponseMessage(HttpStatusCode.BadGateway) { RequestMessage = request };
        }
    }
}
