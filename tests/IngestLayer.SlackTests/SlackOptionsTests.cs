using IngestLayer.Slack;
using IngestLayer.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IngestLayer.SlackTests;

public sealed class SlackOptionsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5000/api", "http://127.0.0.1:5000/api/")]
    [InlineData(" https://slack.com/api/ ", "https://slack.com/api/")]
    public void the_api_base_url_is_normalised_to_end_with_a_slash(string configured, string expected) =>
        Assert.Equal(expected, new SlackOptions { ApiBaseUrl = configured }.ApiBaseUrl);

    [Fact]
    public void the_defaults_point_at_slack_with_no_token_and_no_channel()
    {
        var options = Bind([]);

        Assert.Equal("https://slack.com/api/", options.ApiBaseUrl);
        Assert.Null(options.BotToken);
        Assert.Null(options.DefaultChannel);
        Assert.False(options.HasBotToken);
        Assert.Equal(5, options.ChannelBudgetPerMinute);
        Assert.Null(options.SigningSecret);
        Assert.False(options.HasSigningSecret);
        Assert.Null(options.AccountUrlTemplate);
        Assert.Null(options.AccountUrl("default", "acme"));
        Assert.Equal("default", options.Workspace);
    }

    [Theory]
    [InlineData("crm.example.com/{account}")]
    [InlineData("https://crm.example.com/accounts")]
    [InlineData("ftp://crm.example.com/{account}")]
    public void an_account_url_template_that_is_not_an_http_url_with_the_account_is_rejected(string configured)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Slack:AccountUrlTemplate"] = configured }));

        Assert.Contains("Slack:AccountUrlTemplate must be an absolute http(s) URL containing {account}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_workspace_that_is_not_a_workspace_name_is_rejected()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Slack:Workspace"] = "a b" }));

        Assert.Contains("Slack:Workspace may hold letters, digits, '-' and '_'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void the_channel_budget_is_bound_from_configuration() =>
        Assert.Equal(2, Bind(new() { ["Slack:ChannelBudgetPerMinute"] = "2" }).ChannelBudgetPerMinute);

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("61")]
    public void a_channel_budget_outside_1_to_60_is_rejected(string configured)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Slack:ChannelBudgetPerMinute"] = configured }));

        Assert.Contains("Slack:ChannelBudgetPerMinute must be between 1 and 60 (Slack takes about one message a second per channel).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void the_operator_settings_are_bound_from_configuration()
    {
        var options = Bind(new()
        {
            ["Slack:OperatorChannel"] = "#ops-alerts",
            ["Slack:OperatorNoticeAfterFailures"] = "5",
            ["Slack:OperatorNoticeCooldownMinutes"] = "15",
        });

        Assert.Equal("#ops-alerts", options.OperatorChannelOrNull);
        Assert.Equal(5, options.OperatorNoticeAfterFailures);
        Assert.Equal(15, options.OperatorNoticeCooldownMinutes);
        Assert.Null(Bind([]).OperatorChannelOrNull);
        Assert.Equal(3, Bind([]).OperatorNoticeAfterFailures);
        Assert.Equal(60, Bind([]).OperatorNoticeCooldownMinutes);
    }

    [Theory]
    [InlineData("Slack:OperatorChannel", "#ops alerts", "Slack:OperatorChannel must be a channel name such as #ops-alerts or a channel id such as C0123456789; got '#ops alerts'.")]
    [InlineData("Slack:OperatorChannel", "#", "Slack:OperatorChannel must be a channel name such as #ops-alerts or a channel id such as C0123456789; got '#'.")]
    [InlineData("Slack:OperatorNoticeAfterFailures", "0", "Slack:OperatorNoticeAfterFailures must be between 1 and 1000.")]
    [InlineData("Slack:OperatorNoticeCooldownMinutes", "0", "Slack:OperatorNoticeCooldownMinutes must be between 1 and 10080 (a week).")]
    public void bad_operator_settings_are_rejected_naming_the_key(string key, string value, string message)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { [key] = value }));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("slack.com/api")]
    [InlineData("ftp://slack.com/api/")]
    [InlineData("")]
    public void an_api_base_url_that_is_not_absolute_http_is_rejected(string configured)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Slack:ApiBaseUrl"] = configured }));

        Assert.Contains("ApiBaseUrl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_invalid_api_base_url_stops_the_host_from_starting()
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Slack:ApiBaseUrl"] = "not a url" });
        builder.Services.AddSingleton<IAlertOutbox>(new MemoryAlertOutbox(Options.Create(new EmbeddedOptions()), TimeProvider.System));
        builder.Services.AddSingleton<IOwnerPreferenceStore, MemoryOwnerPreferenceStore>();
        builder.Services.AddSlackAlerts();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(
            "Slack:ApiBaseUrl must be an absolute http(s) URL such as https://slack.com/api/; got 'not a url/'.",
            Assert.Single(error.Failures),
            StringComparison.Ordinal);
    }

    private static SlackOptions Bind(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSlackAlerts();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<SlackOptions>>().Value;
    }
}
