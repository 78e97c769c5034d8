using IngestLayer.Testing;
using System.Text;
using System.Text.Json;
using IngestLayer.Contracts.Webhooks;
using IngestLayer.Gateway.WebhookSources;
using Microsoft.AspNetCore.Http;

namespace IngestLayer.UnitTests.WebhookSources;

/// <summary>
/// Both schemes' published test vectors (<see cref="WebhookTestVectors"/>) through what the ingress
/// builds from a stored source: its verifier (scheme and secrets as stored) and its mapping (message id and event).
/// </summary>
public class PublishedVectorTests
{
    [Fact]
    public void a_standard_webhooks_source_verifies_the_published_vector_and_its_webhook_id_becomes_the_message_id()
    {
        var source = new WebhookSourceDefinition
        {
            Id = "whsrc_0123456789abcdef01234567",
            Scheme = WebhookSchemes.StandardWebhooks,
            Secrets = [IngestLayer.Webhooks.StandardWebhookSecret.Generate().Reveal(), WebhookTestVectors.StandardSecret], // mid-rotation
            Mapping = new WebhookMapping { Event = ["$.kind"], Account = ["$.test"] },
        };
        var headers = new HeaderDictionary
        {
            ["webhook-id"] = WebhookTestVectors.StandardMessageId,
            ["webhook-timestamp"] = WebhookTestVectors.StandardTimestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["webhook-signature"] = WebhookTestVectors.StandardSignature,
        };
        var body = WebhookTestVectors.StandardBody;
        var at = WebhookTestVectors.StandardSentAt;

        var verified = WebhookSourceDirectory.VerifierOf(source).Verify(headers, body, at.AddSeconds(299));
        var tampered = WebhookSourceDirectory.VerifierOf(source).Verify(headers, Encoding.UTF8.GetBytes("{\"test\": 2432232315}"), at);
        var late = WebhookSourceDirectory.VerifierOf(source).Verify(headers, body, at.AddMinutes(6));

        Assert.True(verified.IsVerified, verified.Reason);
        Assert.Equal(WebhookTestVectors.StandardMessageId, verified.MessageId);
        Assert.Equal((IngestLayer.Webhooks.WebhookVerificationStatus.NoMatchingSignature, IngestLayer.Webhooks.WebhookVerificationStatus.TimestampOutsideTolerance), (tampered.Status, late.Status));
        using var doc = JsonDocument.Parse(body);
        var e = CompiledWebhookMapping.Compile(source.Mapping with { Event = ["$.missing", "$.test"] })
            .Map(doc.RootElement, "ws", source.Id, verified.MessageId, verified.Timestamp, at).Event!;
        Assert.Equal((WebhookTestVectors.StandardMessageId, "2432232314", at), (e.MessageId, e.AccountId, e.Timestamp));
    }

    [Fact]
    public void a_stripe_source_verifies_the_published_vector_and_the_payload_id_becomes_the_message_id()
    {
        var source = new WebhookSourceDefinition
        {
            Id = "whsrc_0123456789abcdef01234567",
            Scheme = WebhookSchemes.Stripe,
            Secrets = [WebhookTestVectors.StripeSecret],
            Mapping = new WebhookMapping { Preset = WebhookPresets.Stripe, Account = ["$.data.object.id"], Unmapped = WebhookUnmapped.Keep },
        };
        var headers = new HeaderDictionary { ["Stripe-Signature"] = WebhookTestVectors.StripeHeader };
        var body = WebhookTestVectors.StripeBody;
        var at = WebhookTestVectors.StripeSentAt;

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
