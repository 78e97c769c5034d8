using System.Globalization;
using System.Net;
using System.Net.Sockets;
using IngestLayer.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IngestLayer.EndToEndTests;

/// <summary>
/// The real host started as <c>dotnet run</c> would start it, on a free loopback port, with Orleans on free ports of its
/// own (so fixtures can run side by side) and the given settings as its configuration. What the fixtures share.
/// </summary>
internal static class LoopbackHost
{
    public static async Task<(WebApplication App, Uri Address)> StartAsync(
        IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var app = IngestLayerHost.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Orleans:SiloPort"] = FreePort(),
                ["Orleans:GatewayPort"] = FreePort(),
            });
            builder.Configuration.AddInMemoryCollection(settings);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }

    public static async Task StopAsync(WebApplication? app)
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }
}
