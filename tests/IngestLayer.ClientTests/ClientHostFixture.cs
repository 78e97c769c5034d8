using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using IngestLayer.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IngestLayer.ClientTests;

/// <summary>
/// The real host (embedded mode) on a loopback port, started in-process as the end-to-end tests start it.
/// Slack is not configured, so alerts stay in the dev inbox. Each test uses accounts of its own.
/// </summary>
public sealed class ClientHostFixture : IAsyncLifetime
{
    public const string WriteKey = "wk_client_host_0123456789";
    public const string AdminToken = "adm_client_host_0123456789abcdef";

    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        _app = IngestLayerHost.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["IngestLayer:AdminToken"] = AdminToken,
                ["IngestLayer:Sources:sdk:WriteKey"] = WriteKey,
                ["Orleans:SiloPort"] = FreePort(),
                ["Orleans:GatewayPort"] = FreePort(),
                ["Logging:LogLevel:Default"] = "Warning",
            });
        });
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Http.BaseAddress = BaseAddress;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Http.Dispose();
    }

    /// <summary><c>GET /ops/accounts/{id}</c>: the account grain's state (the read waits for acknowledged events to be applied).</summary>
    public async Task<JsonNode> AccountAsync(string accountId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/ops/accounts/{Uri.EscapeDataString(accountId)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /ops/accounts/{accountId} answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }
}

[CollectionDefinition(Name)]
public sealed class ClientHostCollection : ICollectionFixture<ClientHostFixture>
{
    public const string Name = "client-host";
}
