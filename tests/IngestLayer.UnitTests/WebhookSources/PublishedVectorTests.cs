using System.Text;
using System.Text.Json;
using IngestLayer.Contracts.Webhooks;
using IngestLayer.Gateway.WebhookSources;
using Microsoft.AspNetCore.Http;

namespace IngestLayer.UnitTests.WebhookSources;

/// <summary>
/// Both schemes' published test vectors (as in tests/IngestLayer.WebhookTests/TestVectors.cs) through what the ingress
/// builds from a stored source: its verifier (scheme and secrets as stored) and its mapping (message id and event).
/// </summary>
public class PublishedVectorTests
{
    // standard-webhooks/standard-webhooks, libraries/*/ tests.
    private const string StandardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string StandardMessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long StandardTimestamp = 1614265330;
    private const string StandardPayload = "{\"test\": 2432232314}";
    private const string StandardSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    // stripe/stripe-dotnet, src/StripeTests/Services/Events/EventUtilityTest.cs and Resources/event_test_signature.json.
    private const string StripeSecret = "webhook_secret";
    private const long StripeTimestamp = 1533204620;
    private const string StripeHeader =
        "t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7,v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef";

    private const string StripePayload = """
        {
          "id": "evt_123",
          "object": "event",
          "account": "acct_123",
          "api_version": "2017-05-25",
          "created": 1533204620,
          "data": {
            "object": {
              "id": "cus_123",
              "object": "customer",
              "created": 123456789,
              "email": "test@stripe.com",
              "livemode": false,
              "metadata": {}
            }
          },
          "livemode": false,
          "pending_webhooks": 1,
          "request": {
            "id": "req_123",
            "idempotency_key": "idempotency-key-123"
          },
          "type": "customer.created"
        }

        """;

    [Fact]
    public void a_standard_webhooks_source_verifies_the_published_vector_and_its_webhook_id_becomes_the_message_id()
    {
        var source = new WebhookSourceDefinition
        {
            Id = "whsrc_0123456789abcdef01234567",
            Scheme = WebhookSchemes.StandardWebhooks,
            Secrets = [IngestLayer.Webhooks.StandardWebhookSecret.Generate().Reveal(), StandardSecret], // mid-rotation
            Mapping = new WebhookMapping { Event = ["$.kind"], Account = ["$.test"] },
        };
        var headers = new HeaderDictionary
        {
            ["webhook-id"] = StandardMessageId,
            ["webhook-timestamp"] = StandardTimestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["webhook-signature"] = StandardSignature,
        };
        var body = Encoding.UTF8.GetBytes(StandardPayload);
        var at = DateTimeOffset.FromUnixTimeSeconds(StandardTimestamp);

        var verified = WebhookSourceDirectory.VerifierOf(source).Verify(headers, body, at.AddSeconds(299));
        var tampered = WebhookSourceDirectory.VerifierOf(source).Verify(headers, Encoding.UTF8.GetBytes("{\"test\": 2432232315}"), at);
        var late = WebhookSourceDirectory.VerifierOf(source).Verify(headers, body, at.AddMinutes(6));

        Assert.True(verified.IsVerified, verified.Reason);
        Assert.Equal(StandardMessageId, verified.MessageId);
        Assert.Equal((IngestLayer.Webhooks.WebhookVerificationStatus.NoMatchingSignature, IngestLayer.Webhooks.WebhookVerificationStatus.TimestampOutsideTolerance), (tampered.Status, late.Status));
        using var doc = JsonDocument.Parse(body);
        var e = CompiledWebhookMapping.Compile(source.Mapping with { Event = ["$.missing", "$.test"] })
            .Map(doc.RootElement, "ws", source.Id, verified.MessageId, verified.Timestamp, at).Event!;
        Assert.Equal((StandardMessageId, "2432232314", at), (e.MessageId, e.AccountId, e.Timestamp));
    }

    [Fact]
    public void a_stripe_source_verifies_the_published_vector_and_the_payload_id_becomes_the_message_id()
    {
        var source = new WebhookSourceDefinition
        {
            Id = "whsrc_0123456789abcdef01234567",
            Scheme = WebhookSchemes.Stripe,
            Secrets = [StripeSecret],
            Mapping = new WebhookMapping { Preset = WebhookPresets.Stripe, Account = ["$.data.object.id"], Unmapped = WebhookUnmapped.Keep },
        };
        var headers = new HeaderDictionary { ["Stripe-Signature"] = StripeHeader };
        var body = Encoding.UTF8.GetBytes(StripePayload.ReplaceLineEndings("\n"));
        var at = DateTimeOffset.FromUnixTimeSeconds(StripeTimestamp);

        var verified = WebhookSourceDirectory.VerifierOf(source).Verify(headers, body, at.AddSeconds(30));
        var otherSecret = WebhookSourceDirectory.VerifierOf(source with { Secrets = ["whsec_not_the_one"] }).Verify(headers, body, at);

        Assert.True(verified.IsVerified, verified.Reason);
        Assert.Null(verified.MessageId); // Stripe signs no id header: the mapping reads it from the signed body
        Assert.Equal(IngestLayer.Webhooks.WebhookVerificationStatus.NoMatchingSignature, otherSecret.Status);
        using var doc = JsonDocument.Parse(body);
        var e = CompiledWebhookMapping.Compile(source.Mapping).Map(doc.RootElement, "ws", source.Id, verified.MessageId, verified.Timestamp, at).Event!;
        Assert.Equal(("evt_123", "customer.created", "cus_123", at), (e.MessageId, e.Name, e.AccountId, e.Timestamp));
    }
}
