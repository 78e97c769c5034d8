using IngestLayer.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IngestLayer.WebhookTests;

public sealed class WebhookSenderOptionsTests
{
    [Fact]
    public void the_defaults_are_a_10_second_timeout_and_our_user_agent()
    {
        var options = Bind([]);

        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
        Assert.Equal("IngestLayer-Webhooks/1.0", options.UserAgent);
    }

    [Fact]
    public void both_are_bound_from_the_webhooks_section()
    {
        var options = Bind(new() { ["Webhooks:Timeout"] = "00:00:30", ["Webhooks:UserAgent"] = "Acme/3" });

        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Equal("Acme/3", options.UserAgent);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:00:00.500")]
    [InlineData("00:01:01")]
    public void a_timeout_outside_1_second_to_1_minute_is_refused(string configured)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Webhooks:Timeout"] = configured }));

        Assert.Contains("Webhooks:Timeout must be between 00:00:01 and 00:01:00.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void an_empty_user_agent_is_refused()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Webhooks:UserAgent"] = "" }));

        Assert.Contains("Webhooks:UserAgent is required.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_user_agent_that_is_not_a_valid_header_is_refused()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Webhooks:UserAgent"] = "Acme/1\r\nX-Injected: 1" }));

        Assert.Contains("Webhooks:UserAgent must be a valid User-Agent header", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_invalid_timeout_stops_the_host_from_starting()
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Webhooks:Timeout"] = "00:10:00" });
        builder.Services.AddWebhookSender();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Webhooks:Timeout must be between 00:00:01 and 00:01:00.", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    private static WebhookSenderOptions Bind(Dictionary<string, string?> settings)
    {
        using var services = TestServices.Build(TimeProvider.System, settings);
        return services.GetRequiredService<IOptions<WebhookSenderOptions>>().Value;
    }
}
