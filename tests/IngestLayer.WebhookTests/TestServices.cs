using IngestLayer.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IngestLayer.WebhookTests;

/// <summary>The services <see cref="WebhookServiceCollectionExtensions.AddWebhookSender"/> registers, on a given clock.</summary>
internal static class TestServices
{
    public static ServiceProvider Build(
        TimeProvider time,
        Dictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build());
        services.AddLogging();
        services.AddSingleton(time);
        configure?.Invoke(services);
        services.AddWebhookSender();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
