using IngestLayer.Slack;
using IngestLayer.Storage.Postgres;
using IngestLayer.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IngestLayer.SlackTests;

/// <summary>
/// The Slack services of one host with the install flow configured against a fake Slack: installations in memory
/// (with an ephemeral key ring, as embedded mode) or in PostgreSQL (key ring there too, as durable mode).
/// </summary>
internal static class SlackAppServices
{
    public const string RedirectUri = "https://ingest.example.test/slack/oauth/callback";

    public static ServiceProvider Build(FakeSlack slack, TimeProvider? time = null, string? postgres = null, string? botToken = null, LogCapture? logs = null, string? clientSecret = null, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Slack:ApiBaseUrl"] = slack.BaseUrl,
            ["Slack:BotToken"] = botToken,
            ["Slack:ClientId"] = slack.ClientId,
            ["Slack:ClientSecret"] = clientSecret ?? slack.ClientSecret,
            ["Slack:RedirectUri"] = RedirectUri,
        }).Build());
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                logging.AddProvider(logs);
            }
        });
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        if (postgres is null)
        {
            services.AddDataProtection().UseEphemeralDataProtectionProvider();
        }
        else
        {
            services.AddPostgresStorage(postgres);
        }

        configure?.Invoke(services);
        services.AddSlackAlerts();
        return services.BuildServiceProvider();
    }

    /// <summary>Runs the install as a browser would: authorize URL, the user approving at Slack, the callback.</summary>
    public static async Task<SlackInstallOutcome> InstallAsync(this IServiceProvider services, FakeSlack slack, string workspace)
    {
        var installer = services.GetRequiredService<SlackInstaller>();
        var callback = slack.Authorize(installer.AuthorizeUrl(workspace));
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(callback.Query);
        return await installer.CompleteAsync(query["code"], query["state"], null, CancellationToken.None);
    }
}
