using System.Text.Json;
using IngestLayer.Contracts.Webhooks;
using IngestLayer.Gateway.WebhookSources;
using IngestLayer.Webhooks;

namespace IngestLayer.UnitTests.WebhookSources;

public class WebhookSourceValidatorTests
{
    private static WebhookSourceValidator.Result Validate(string json, WebhookSourceDefinition? previous = null) =>
        WebhookSourceValidator.Validate(JsonDocument.Parse(json).RootElement, previous);

    private static IEnumerable<string> Fields(WebhookSourceValidator.Result result) => result.Errors.Select(e => e.Field);

    [Fact]
    public void a_stripe_source_with_the_preset_gets_an_unguessable_id_and_a_generated_secret()
    {
        var result = Validate("""{"name": "Stripe live", "scheme": "stripe", "mapping": {"preset": "stripe"}}""");

        var source = result.Source!;
        Assert.Empty(result.Errors);
        Assert.True(result.GeneratedSecret);
        Assert.True(WebhookSourceValidator.IsWellFormedId(source.Id), source.Id);
        Assert.NotEqual(source.Id, Validate("""{"scheme": "stripe", "mapping": {"preset": "stripe"}}""").Source!.Id);
        Assert.True(StandardWebhookSecret.TryParse(Assert.Single(source.Secrets), out _));
        Assert.Equal(("Stripe live", WebhookSchemes.Stripe, WebhookPresets.Stripe, true), (source.Name, source.Scheme, source.Mapping.Preset, source.Enabled));
    }

    [Fact]
    public void a_put_without_secrets_keeps_the_previous_ones_and_a_path_accepts_a_list_of_alternatives()
    {
        var previous = new WebhookSourceDefinition { Id = "whsrc_0123456789abcdef01234567", Scheme = WebhookSchemes.Stripe, Secrets = ["whsec_from_stripe_1", "whsec_from_stripe_2"], Version = 3 };

        var result = Validate("""
            {"id": "whsrc_0123456789abcdef01234567", "url": "/v1/webhooks/whsrc_0123456789abcdef01234567", "secrets_set": 2, "version": 3,
             "scheme": "stripe", "mapping": {"event": "$.type", "account": ["$.data.object.metadata.account_id", "$.data.object.customer"], "id": "$.id",
             "properties": {"amount": "$.data.object.amount_due"}, "names": {"invoice.payment_failed": "billing invoice payment failed"}, "unmapped": "keep"}}
            """, previous);

        Assert.Empty(result.Errors);
        Assert.False(result.GeneratedSecret);
        Assert.Equal(3, result.ExpectedVersion);
        Assert.Equal(previous.Secrets, result.Source!.Secrets);
        Assert.Equal(["$.data.object.metadata.account_id", "$.data.object.customer"], result.Source.Mapping.Account!);
        Assert.Equal("$.data.object.amount_due", result.Source.Mapping.PropertyMap!["amount"]);
        Assert.Equal(previous.Id, result.Source.Id);
    }

    [Fact]
    public void every_problem_is_named_by_its_field()
    {
        var result = Validate("""
            {"id": "mine", "scheme": "svix", "secrets": ["short", "short"], "colour": "red",
             "mapping": {"event": "type", "account": ["$.ok", "$.a[*]"], "names": {"a": 3}, "unmapped": "drop", "extra": 1}}
            """);

        Assert.Null(result.Source);
        Assert.Equal(
            ["colour", "id", "scheme", "secrets[0]", "secrets[1]", "secrets", "mapping.extra", "mapping.unmapped", "mapping.event", "mapping.account[1]", "mapping.names.a"],
            Fields(result));
        Assert.Contains("is assigned by the server", result.Errors.Single(e => e.Field == "id").Error);
        Assert.Contains("starting with '$'", result.Errors.Single(e => e.Field == "mapping.event").Error);
        Assert.Contains("only array indexes", result.Errors.Single(e => e.Field == "mapping.account[1]").Error);
    }

    [Fact]
    public void standard_webhooks_secrets_must_be_whsec_secrets_and_errors_never_repeat_them()
    {
        var result = Validate("""{"scheme": "standard_webhooks", "secrets": ["sk_live_0123456789abcdef"], "mapping": {"event": "$.e", "account": "$.a"}}""");

        var error = Assert.Single(result.Errors);
        Assert.Equal("secrets[0]", error.Field);
        Assert.DoesNotContain("sk_live", error.Error);
    }

    [Theory]
    [InlineData("""{"scheme": "standard_webhooks", "mapping": {"account": "$.a"}}""", "mapping.event")]
    [InlineData("""{"scheme": "standard_webhooks", "mapping": {"event": "$.e"}}""", "mapping.account")]
    [InlineData("""{"scheme": "stripe", "mapping": {"event": "$.type", "account": "$.a"}}""", "mapping.id")]
    [InlineData("""{"mapping": {"preset": "stripe"}}""", "scheme")]
    [InlineData("""{"scheme": "stripe"}""", "mapping")]
    [InlineData("""{"scheme": "stripe", "mapping": {"preset": "paddle"}}""", "mapping.preset")]
    [InlineData("""{"scheme": "stripe", "secrets": [], "mapping": {"preset": "stripe"}}""", "secrets")]
    [InlineData("""{"scheme": "stripe", "secrets": ["whsec_aaaaaaaa", "whsec_bbbbbbbb", "whsec_cccccccc"], "mapping": {"preset": "stripe"}}""", "secrets")]
    public void a_source_missing_what_it_needs_is_refused(string json, string field)
    {
        Assert.Equal([field], Fields(Validate(json)));
    }

    [Fact]
    public void a_put_cannot_rename_a_source()
    {
        var previous = new WebhookSourceDefinition { Id = "whsrc_0123456789abcdef01234567", Scheme = WebhookSchemes.Stripe, Secrets = ["whsec_from_stripe_1"] };

        var result = Validate("""{"id": "whsrc_ffffffffffffffffffffffff", "scheme": "stripe", "mapping": {"preset": "stripe"}}""", previous);

        Assert.Equal(["id"], Fields(result));
        Assert.Contains("cannot be renamed", result.Errors[0].Error);
    }

    [Theory]
    [InlineData("whsrc_0123456789abcdef01234567", true)]
    [InlineData("whsrc_0123456789ABCDEF01234567", false)]
    [InlineData("whsrc_0123456789abcdef0123456", false)]
    [InlineData("wk_live_123456", false)]
    [InlineData("", false)]
    public void only_ids_of_the_generated_shape_are_looked_up(string id, bool wellFormed)
    {
        Assert.Equal(wellFormed, WebhookSourceValidator.IsWellFormedId(id));
    }
}
