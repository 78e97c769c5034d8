using IngestLayer.Testing;
using System.Text;
using IngestLayer.Webhooks;
using Microsoft.AspNetCore.Http;

namespace IngestLayer.WebhookTests;

public sealed class StripeSignatureVerifierTests
{
    private const string ValidV1 = "2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7";
    private const string BogusV1 = "deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef";

    private static readonly StripeSignatureVerifier Verifier = new(WebhookTestVectors.StripeSecret);

    [Fact]
    public void the_published_test_vector_verifies_with_the_signed_time()
    {
        var result = Verifier.Verify(WebhookTestVectors.StripeHeader, WebhookTestVectors.StripeBody, WebhookTestVectors.StripeSentAt.AddSeconds(100));

        Assert.Equal(new WebhookVerification(WebhookVerificationStatus.Verified, Timestamp: WebhookTestVectors.StripeSentAt), result);
    }

    [Fact]
    public void the_test_vector_signature_is_the_hex_hmac_of_t_dot_body_keyed_with_the_secret_as_utf8() =>
        Assert.Equal(ValidV1, TestSigning.Stripe(WebhookTestVectors.StripeSecret, WebhookTestVectors.StripeTimestamp, WebhookTestVectors.StripeBody));

    [Fact]
    public void an_old_timestamp_is_outside_the_tolerance_as_in_stripes_own_test() =>
        Assert.Equal(
            WebhookVerificationStatus.TimestampOutsideTolerance,
            Verifier.Verify(WebhookTestVectors.StripeHeader, WebhookTestVectors.StripeBody, WebhookTestVectors.StripeSentAt.AddSeconds(400)).Status);

    [Theory]
    [InlineData(-301, WebhookVerificationStatus.TimestampOutsideTolerance)]
    [InlineData(-300, WebhookVerificationStatus.Verified)]
    [InlineData(300, WebhookVerificationStatus.Verified)]
    [InlineData(301, WebhookVerificationStatus.TimestampOutsideTolerance)]
    public void the_default_tolerance_is_five_minutes_either_way(int nowMinusSentSeconds, WebhookVerificationStatus expected) =>
        Assert.Equal(expected, Verifier.Verify(WebhookTestVectors.StripeHeader, WebhookTestVectors.StripeBody, WebhookTestVectors.StripeSentAt.AddSeconds(nowMinusSentSeconds)).Status);

    [Fact]
    public void the_tolerance_is_configurable()
    {
        var verifier = new StripeSignatureVerifier(WebhookTestVectors.StripeSecret, TimeSpan.FromSeconds(30));

        Assert.Equal(WebhookVerificationStatus.Verified, verifier.Verify(WebhookTestVectors.StripeHeader, WebhookTestVectors.StripeBody, WebhookTestVectors.StripeSentAt.AddSeconds(30)).Status);
        Assert.Equal(WebhookVerificationStatus.TimestampOutsideTolerance, verifier.Verify(WebhookTestVectors.StripeHeader, WebhookTestVectors.StripeBody, WebhookTestVectors.StripeSentAt.AddSeconds(31)).Status);
    }

    [Fact]
    public void a_changed_body_does_not_verify() =>
        Assert.Equal(
            WebhookVerificationStatus.NoMatchingSignature,
            Verifier.Verify(WebhookTestVectors.StripeHeader, [.. WebhookTestVectors.StripeBody, .. "this_changes_the_json"u8], WebhookTestVectors.StripeSentAt).Status);

    [Fact]
    public void a_changed_timestamp_does_not_verify() =>
        Assert.Equal(
            WebhookVerificationStatus.NoMatchingSignature,
            Verifier.Verify(WebhookTestVectors.StripeHeader.Replace("t=1533204620", "t=1533204621", StringComparison.Ordinal), WebhookTestVectors.StripeBody, WebhookTestVectors.StripeSentAt).Status);

    [Fact]
    public void another_secret_does_not_verify() =>
        Assert.Equal(
            WebhookVerificationStatus.NoMatchingSignature,
            new StripeSignatureVerifier("whsec_other").Verify(WebhookTestVectors.StripeHeader, WebhookTestVectors.StripeBody, WebhookTestVectors.StripeSentAt).Status);

    [Fact]
    public void a_v0_signature_alone_is_not_accepted()
    {
        var header = $"t={WebhookTestVectors.StripeTimestamp},v0={ValidV1}";

        Assert.Equal(WebhookVerificationStatus.NoMatchingSignature, Verifier.Verify(header, WebhookTestVectors.StripeBody, WebhookTestVectors.StripeSentAt).Status);
    }

    [Theory]
    [InlineData($"t=1533204620,v1={BogusV1},v1={ValidV1}")]
    [InlineData($"t=1533204620,v1={ValidV1},v1={BogusV1}")]
    [InlineData($"v1={BogusV1}, v1={ValidV1}, t=1533204620, scheme2=whatever")]
    public void one_matching_v1_among_several_verifies_wherever_it_is(string header) =>
        Assert.Equal(WebhookVerificationStatus.Verified, Verifier.Verify(header, WebhookTestVectors.StripeBody, WebhookTestVectors.StripeSentAt).Status);

    [Fact]
    public void during_a_rotation_a_verifier_holding_both_secrets_accepts_either()
    {
        const string Next = "whsec_6jD0p8S8Xx5z0Jt1gq3cQmXl1e7T2n9K";
        var verifier = new StripeSignatureVerifier([Next, WebhookTestVectors.StripeSecret]);
        var signedWithNext = $"t={WebhookTestVectors.StripeTimestamp},v1={TestSigning.Stripe(Next, WebhookTestVectors.StripeTimestamp, WebhookTestVectors.StripeBody)}";

        Assert.Equal(WebhookVerificationStatus.Verified, verifier.Verify(WebhookTestVectors.StripeHeader, WebhookTestVectors.StripeBody, WebhookTestVectors.StripeSentAt).Status);
        Assert.Equal(WebhookVerificationStatus.Verified, verifier.Verify(signedWithNext, WebhookTestVectors.StripeBody, WebhookTestVectors.StripeSentAt).Status);
        Assert.Equal(WebhookVerificationStatus.NoMatchingSignature, Verifier.Verify(signedWithNext, WebhookTestVectors.StripeBody, WebhookTestVectors.StripeSentAt).Status);
    }

    [Theory]
    // The malformed headers of stripe-dotnet's ValidateSignatureHandlesIncorrectHeaderValues: none has a usable t.
    [InlineData($"t=,v1={ValidV1}")]
    [InlineData("t,v1=,v0=")]
    [InlineData("t,v1=,v0")]
    [InlineData("t,v1=,")]
    [InlineData("t,,")]
    [InlineData(",,")]
    [InlineData("t")]
    [InlineData($"t=1533204620,t=1533204620,v1={ValidV1}")]
    [InlineData($"t=1533204620.5,v1={ValidV1}")]
    public void a_header_without_exactly_one_whole_second_t_is_an_invalid_timestamp(string header) =>
        Assert.Equal(WebhookVerificationStatus.InvalidTimestamp, Verifier.Verify(header, WebhookTestVectors.StripeBody, WebhookTestVectors.StripeSentAt).Status);

    [Theory]
    [InlineData("t=1533204620")]
    [InlineData("t=1533204620,v1=")]
    [InlineData("t=1533204620,v1=zz20f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7")]
    [InlineData("t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3")]
    public void a_header_without_a_well_formed_matching_v1_has_no_matching_signature(string header) =>
        Assert.Equal(WebhookVerificationStatus.NoMatchingSignature, Verifier.Verify(header, WebhookTestVectors.StripeBody, WebhookTestVectors.StripeSentAt).Status);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void no_header_is_missing_header(string? header) =>
        Assert.Equal(WebhookVerificationStatus.MissingHeader, Verifier.Verify(header, WebhookTestVectors.StripeBody, WebhookTestVectors.StripeSentAt).Status);

    [Fact]
    public void the_request_header_is_found_case_insensitively_and_a_repeated_one_is_refused()
    {
        var headers = new HeaderDictionary { ["stripe-signature"] = WebhookTestVectors.StripeHeader };
        Assert.Equal(WebhookVerificationStatus.Verified, Verifier.Verify(headers, WebhookTestVectors.StripeBody, WebhookTestVectors.StripeSentAt).Status);

        headers["Stripe-Signature"] = new([WebhookTestVectors.StripeHeader, WebhookTestVectors.StripeHeader]);
        Assert.Equal(WebhookVerificationStatus.MissingHeader, Verifier.Verify(headers, WebhookTestVectors.StripeBody, WebhookTestVectors.StripeSentAt).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void an_empty_secret_is_refused(string? secret) =>
        Assert.Throws<ArgumentException>(() => new StripeSignatureVerifier([secret!]));

    [Fact]
    public void the_body_is_verified_as_bytes_so_non_ascii_text_round_trips()
    {
        var body = Encoding.UTF8.GetBytes("""{"name":"Zoë ✓"}""");
        var header = $"t=1700000000,v1={TestSigning.Stripe("whsec_x", 1_700_000_000, body)}";

        var result = new StripeSignatureVerifier("whsec_x").Verify(header, body, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

        Assert.Equal(WebhookVerificationStatus.Verified, result.Status);
    }
}
