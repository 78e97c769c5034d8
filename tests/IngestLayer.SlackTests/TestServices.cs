using IngestLayer.Slack;
using IngestLayer.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngestLayer.SlackTests;

/// <summary>The services <see cref="SlackServiceCollectionExtensions.AddSlackAlerts"/> registers, wired to a fake Slack.</summary>
internal static class TestServices
{
    public static Dictionary<string, string?> SlackSettings(string apiBaseUrl, string? botToken, string? defaultChannel = null) => new()
    {
        ["Slack:ApiBaseUrl"] = apiBaseUrl,
        ["Slack:BotToken"] = botToken,
        ["Slack:DefaultChannel"] = defaultChannel,
    };

    /// <summary>A provider (not a started host) for resolving the client; the delivery service does not run.</summary>
    public static ServiceProvider Build(
        string apiBaseUrl,
        string? botToken,
        LogCapture? logs = null,
        Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(SlackSettings(apiBaseUrl, botToken)).Build());
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                logging.AddProvider(logs);
            }
        });
        services.AddSingleton<IAlertOutbox>(new MemoryAlertOutbox(Options.Create(new EmbeddedOptions()), TimeProvider.System));
        services.AddSingleton<IOwnerPreferenceStore, MemoryOwnerPreferenceStore>();
        configure?.Invoke(services);
        services.AddSlackAlerts();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
