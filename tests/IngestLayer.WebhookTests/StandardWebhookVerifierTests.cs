using IngestLayer.Testing;
using System.Text;
using IngestLayer.Webhooks;
using Microsoft.AspNetCore.Http;

namespace IngestLayer.WebhookTests;

public sealed class StandardWebhookVerifierTests
{
    private static readonly StandardWebhookSecret Secret = StandardWebhookSecret.Parse(WebhookTestVectors.StandardSecret);
    private static readonly StandardWebhookVerifier Verifier = new(Secret);
    private static readonly string Timestamp = WebhookTestVectors.StandardTimestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void the_published_test_vector_verifies_and_gives_the_id_and_signed_time()
    {
        var result = Verify(now: WebhookTestVectors.StandardSentAt.AddSeconds(100));

        Assert.Equal(
            new WebhookVerification(WebhookVerificationStatus.Verified, WebhookTestVectors.StandardMessageId, WebhookTestVectors.StandardSentAt),
            result);
        Assert.True(result.IsVerified);
    }

    [Fact]
    public void a_changed_body_does_not_verify()
    {
        var result = Verify(body: """{"test": 2432232315}""");

        Assert.Equal(WebhookVerificationStatus.NoMatchingSignature, result.Status);
        Assert.Null(result.MessageId);
    }

    [Fact]
    public void a_body_reserialized_with_other_whitespace_does_not_verify() =>
        Assert.Equal(WebhookVerificationStatus.NoMatchingSignature, Verify(body: """{"test":2432232314}""").Status);

    [Fact]
    public void a_changed_timestamp_does_not_verify_even_within_the_tolerance() =>
        Assert.Equal(WebhookVerificationStatus.NoMatchingSignature, Verify(timestamp: "1614265331").Status);

    [Fact]
    public void a_changed_id_does_not_verify() =>
        Assert.Equal(WebhookVerificationStatus.NoMatchingSignature, Verify(id: "msg_p5jXN8AQM2LWM0D4loKWxJek").Status);

    [Fact]
    public void another_secret_does_not_verify()
    {
        var other = new StandardWebhookVerifier(StandardWebhookSecret.Generate());

        var result = other.Verify(WebhookTestVectors.StandardMessageId, Timestamp, WebhookTestVectors.StandardSignature, WebhookTestVectors.StandardBody, WebhookTestVectors.StandardSentAt);

        Assert.Equal(WebhookVerificationStatus.NoMatchingSignature, result.Status);
    }

    [Theory]
    [InlineData(-300, WebhookVerificationStatus.Verified)]
    [InlineData(-301, WebhookVerificationStatus.TimestampOutsideTolerance)]
    [InlineData(300, WebhookVerificationStatus.Verified)]
    [InlineData(301, WebhookVerificationStatus.TimestampOutsideTolerance)]
    [InlineData(86_400, WebhookVerificationStatus.TimestampOutsideTolerance)]
    public void the_default_tolerance_is_five_minutes_either_way_edge_included(int nowMinusSentSeconds, WebhookVerificationStatus expected) =>
        Assert.Equal(expected, Verify(now: WebhookTestVectors.StandardSentAt.AddSeconds(nowMinusSentSeconds)).Status);

    [Fact]
    public void now_is_read_in_whole_seconds_so_the_last_second_of_the_window_is_inside()
    {
        Assert.Equal(WebhookVerificationStatus.Verified, Verify(now: WebhookTestVectors.StandardSentAt.AddSeconds(300.999)).Status);
        Assert.Equal(WebhookVerificationStatus.TimestampOutsideTolerance, Verify(now: WebhookTestVectors.StandardSentAt.AddSeconds(301)).Status);
    }

    [Fact]
    public void the_tolerance_is_configurable()
    {
        var verifier = new StandardWebhookVerifier(Secret, TimeSpan.FromMinutes(10));

        Assert.Equal(WebhookVerificationStatus.Verified, Verify(verifier, now: WebhookTestVectors.StandardSentAt.AddSeconds(600)).Status);
        Assert.Equal(WebhookVerificationStatus.TimestampOutsideTolerance, Verify(verifier, now: WebhookTestVectors.StandardSentAt.AddSeconds(601)).Status);
    }

    [Fact]
    public void a_tolerance_under_a_second_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new StandardWebhookVerifier(Secret, TimeSpan.Zero));

    [Fact]
    public void a_forgery_with_an_old_timestamp_is_told_no_matching_signature_not_outside_tolerance()
    {
        var result = Verify(signature: "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", now: WebhookTestVectors.StandardSentAt.AddDays(1));

        Assert.Equal(WebhookVerificationStatus.NoMatchingSignature, result.Status);
    }

    [Theory]
    [InlineData(null, "1614265330", "v1,x")]
    [InlineData("msg_1", null, "v1,x")]
    [InlineData("msg_1", "1614265330", null)]
    [InlineData("", "1614265330", "v1,x")]
    [InlineData("msg_1", "", "v1,x")]
    [InlineData("msg_1", "1614265330", "  ")]
    public void a_missing_or_empty_header_is_missing_header(string? id, string? timestamp, string? signature) =>
        Assert.Equal(
            WebhookVerificationStatus.MissingHeader,
            Verifier.Verify(id, timestamp, signature, WebhookTestVectors.StandardBody, WebhookTestVectors.StandardSentAt).Status);

    [Theory]
    [InlineData("hello")]
    [InlineData("-1614265330")]
    [InlineData("+1614265330")]
    [InlineData(" 1614265330")]
    [InlineData("1614265330.0")]
    [InlineData("1614265330000000000000")]
    [InlineData("253402300800")] // one second past DateTimeOffset.MaxValue
    public void a_timestamp_that_is_not_whole_unix_seconds_is_invalid(string timestamp) =>
        Assert.Equal(WebhookVerificationStatus.InvalidTimestamp, Verify(timestamp: timestamp).Status);

    [Fact]
    public void one_valid_signature_among_others_verifies_as_in_the_reference_tests()
    {
        // The reference libraries' multi-signature case: other versions and stale v1 values around the valid one.
        var header = string.Join(' ',
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            WebhookTestVectors.StandardSignature,
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=");

        Assert.Equal(WebhookVerificationStatus.Verified, Verify(signature: header).Status);
    }

    [Theory]
    [InlineData("v1,")]
    [InlineData("v1,g0hM9SsE")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLawdd")]
    [InlineData("v1,dawfeoifkpqwoekfpqoekf")]
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    public void a_partial_malformed_or_other_version_signature_does_not_verify(string signature) =>
        Assert.Equal(WebhookVerificationStatus.NoMatchingSignature, Verify(signature: signature).Status);

    [Fact]
    public void during_a_rotation_a_verifier_holding_both_secrets_accepts_either()
    {
        var next = StandardWebhookSecret.Generate();
        var verifier = new StandardWebhookVerifier([next, Secret]);
        var signedWithNext = TestSigning.Standard(next.Reveal(), WebhookTestVectors.StandardMessageId, WebhookTestVectors.StandardTimestamp, WebhookTestVectors.StandardPayload);

        Assert.Equal(WebhookVerificationStatus.Verified, Verify(verifier).Status);
        Assert.Equal(WebhookVerificationStatus.Verified, Verify(verifier, signature: signedWithNext).Status);
        Assert.Equal(WebhookVerificationStatus.NoMatchingSignature, Verify(signature: signedWithNext).Status);
    }

    [Fact]
    public void what_the_signer_signs_the_verifier_accepts_for_an_arbitrary_binary_body()
    {
        var secret = StandardWebhookSecret.Generate();
        var body = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray();
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var signature = new StandardWebhookSigner(secret).Sign("msg_big", now, body);

        var result = new StandardWebhookVerifier(secret).Verify("msg_big", "1800000000", signature, body, now);

        Assert.Equal(WebhookVerificationStatus.Verified, result.Status);
        body[^1] ^= 1;
        Assert.Equal(WebhookVerificationStatus.NoMatchingSignature, new StandardWebhookVerifier(secret).Verify("msg_big", "1800000000", signature, body, now).Status);
    }

    [Fact]
    public void request_headers_are_read_case_insensitively_and_a_split_signature_header_is_one_list()
    {
        var headers = new HeaderDictionary
        {
            ["Webhook-Id"] = WebhookTestVectors.StandardMessageId,
            ["WEBHOOK-TIMESTAMP"] = Timestamp,
            ["webhook-signature"] = new(["v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", WebhookTestVectors.StandardSignature]),
        };

        var result = Verifier.Verify(headers, WebhookTestVectors.StandardBody, WebhookTestVectors.StandardSentAt);

        Assert.Equal(WebhookVerificationStatus.Verified, result.Status);
        Assert.Equal(WebhookTestVectors.StandardMessageId, result.MessageId);
    }

    [Theory]
    [InlineData("webhook-id")]
    [InlineData("webhook-timestamp")]
    public void a_repeated_id_or_timestamp_header_is_refused_as_ambiguous(string repeated)
    {
        var headers = new HeaderDictionary
        {
            ["webhook-id"] = WebhookTestVectors.StandardMessageId,
            ["webhook-timestamp"] = Timestamp,
            ["webhook-signature"] = WebhookTestVectors.StandardSignature,
        };
        headers[repeated] = new([headers[repeated].ToString(), headers[repeated].ToString()]);

        Assert.Equal(WebhookVerificationStatus.MissingHeader, Verifier.Verify(headers, WebhookTestVectors.StandardBody, WebhookTestVectors.StandardSentAt).Status);
    }

    [Fact]
    public void each_failure_has_a_fixed_reason_that_repeats_nothing_from_the_request()
    {
        var reasons = new[]
        {
            Verify(id: null).Reason,
            Verify(timestamp: "hello").Reason,
            Verify(now: WebhookTestVectors.StandardSentAt.AddHours(1)).Reason,
            Verify(body: "{}").Reason,
        };

        Assert.Equal(
            [
                "The webhook signature headers are missing or repeated.",
                "The webhook timestamp is not a Unix time in seconds.",
                "The webhook timestamp is outside the allowed tolerance.",
                "No webhook signature matches.",
            ],
            reasons);
    }

    private static WebhookVerification Verify(
        StandardWebhookVerifier? verifier = null,
        string? id = WebhookTestVectors.StandardMessageId,
        string? timestamp = null,
        string? signature = WebhookTestVectors.StandardSignature,
        string body = WebhookTestVectors.StandardPayload,
        DateTimeOffset? now = null) =>
        (verifier ?? Verifier).Verify(id, timestamp ?? Timestamp, signature, Encoding.UTF8.GetBytes(body), now ?? WebhookTestVectors.StandardSentAt);
}
