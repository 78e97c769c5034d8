using System.Collections.Concurrent;
using IngestLayer.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IngestLayer.ClientTests;

/// <summary>The DI registration and the options' validation.</summary>
public sealed class RegistrationTests : IAsyncLifetime
{
    private FakeIngestServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeIngestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AddIngestLayerClient_registers_a_client_whose_http_client_retries_and_whose_disposal_flushes()
    {
        _server.Answer = (n, _) => n == 0 ? new FakeAnswer(503, RetryAfter: "0") : FakeAnswer.Ok;
        var errors = new ConcurrentQueue<IngestLayerError>();
        var services = new ServiceCollection();
        services.AddIngestLayerClient(o =>
        {
            o.WriteKey = TestClients.WriteKey;
            o.Host = _server.Url;
            o.FlushInterval = TimeSpan.FromHours(1);
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            o.OnError = errors.Enqueue;
        });

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var client = provider.GetRequiredService<IngestLayerClient>();
        await client.IngestAsync("feature.used", TestClients.Feature("csv.export"), userId: "u1", accountId: "acme");
        await provider.DisposeAsync();

        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(_server.Requests[0].MessageIds, _server.Requests[1].MessageIds);
        Assert.Equal(1, client.Stats.Delivered);
        Assert.Empty(errors);
    }

    [Fact]
    public void invalid_options_are_refused_with_every_problem_named()
    {
        var services = new ServiceCollection();
        services.AddIngestLayerClient(o => (o.Host, o.BatchSize) = (new Uri("/relative", UriKind.Relative), 0));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IngestLayerClient>());
        Assert.Contains(ex.Failures, f => f.StartsWith("WriteKey is required", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Host must be an absolute http(s) URL", StringComparison.Ordinal));
        Assert.Contains("BatchSize must be between 1 and 10000.", ex.Failures);
    }

    [Fact]
    public void the_plain_constructor_validates_too()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => new IngestLayerClient(new IngestLayerClientOptions { WriteKey = "wk" }));
        Assert.Contains(ex.Failures, f => f.StartsWith("Host must be", StringComparison.Ordinal));
    }
}
