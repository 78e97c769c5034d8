using IngestLayer.Testing;
using IngestLayer.Webhooks;

namespace IngestLayer.WebhookTests;

public sealed class StandardWebhookSecretTests
{
    [Fact]
    public void the_published_test_secret_parses_and_reveals_as_it_was_written()
    {
        var secret = StandardWebhookSecret.Parse(WebhookTestVectors.StandardSecret);

        Assert.Equal(WebhookTestVectors.StandardSecret, secret.Reveal());
        Assert.Equal(24, secret.Key.Length);
    }

    [Fact]
    public void a_generated_secret_is_32_random_bytes_in_whsec_form_and_round_trips()
    {
        var first = StandardWebhookSecret.Generate();
        var second = StandardWebhookSecret.Generate();

        Assert.StartsWith("whsec_", first.Reveal(), StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(first.Reveal()["whsec_".Length..]).Length);
        Assert.Equal(first.Reveal(), StandardWebhookSecret.Parse(first.Reveal()).Reveal());
        Assert.NotEqual(first.Reveal(), second.Reveal());
    }

    [Fact]
    public void to_string_is_redacted_so_a_secret_in_a_record_or_log_does_not_leak()
    {
        var secret = StandardWebhookSecret.Parse(WebhookTestVectors.StandardSecret);

        Assert.Equal("whsec_…", secret.ToString());
        Assert.DoesNotContain("MfKQ9r8", $"{secret}", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")] // the bare base64: the prefix is required here
    [InlineData("whsec_")]
    [InlineData("whsec_not base64!")]
    [InlineData("whsec_c2hvcnQ=")] // 5 bytes, under the specification's 24
    [InlineData("sk_live_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("")]
    [InlineData(null)]
    public void anything_but_whsec_and_the_base64_of_24_to_64_bytes_is_refused(string? value)
    {
        Assert.False(StandardWebhookSecret.TryParse(value, out var secret));
        Assert.Null(secret);
    }

    [Fact]
    public void a_key_over_64_bytes_is_refused_and_64_is_accepted()
    {
        Assert.True(StandardWebhookSecret.TryParse("whsec_" + Convert.ToBase64String(new byte[64]), out _));
        Assert.False(StandardWebhookSecret.TryParse("whsec_" + Convert.ToBase64String(new byte[65]), out _));
    }

    [Fact]
    public void the_parse_error_explains_the_format_without_repeating_the_value()
    {
        const string Pasted = "whsec_c2hvcnQ=";

        var error = Assert.Throws<FormatException>(() => StandardWebhookSecret.Parse(Pasted));

        Assert.Equal("A Standard Webhooks secret is 'whsec_' followed by the base64 of 24 to 64 random bytes.", error.Message);
    }
}
