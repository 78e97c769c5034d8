using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IngestLayer.LoadGen;

/// <summary>
/// The ceiling: a bare ASP.NET Core endpoint on this machine that reads the same body, parses the JSON
/// and answers 200 — everything a gateway must do at the least, and nothing else.
/// </summary>
internal static class CeilingServer
{
    public static async Task<(WebApplication App, Uri Url)> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        // The same bare work at each wire format's path (--mode formats), so every format has its own ceiling.
        foreach (var path in new[] { "/v1/events", "/v1/batch", "/batch/" })
        {
            app.MapPost(path, async (HttpRequest request) =>
            {
                using var doc = await JsonDocument.ParseAsync(request.Body);
                var count = doc.RootElement.TryGetProperty("events", out var events) ? events.GetArrayLength()
                    : doc.RootElement.TryGetProperty("batch", out var batch) ? batch.GetArrayLength() : 1;
                return Results.Ok(new { accepted = count });
            });
        }
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }
}
