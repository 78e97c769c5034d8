using IngestLayer.Testing;
using IngestLayer.Webhooks;

namespace IngestLayer.WebhookTests;

public sealed class StandardWebhookSignerTests
{
    private static readonly StandardWebhookSecret Secret = StandardWebhookSecret.Parse(WebhookTestVectors.StandardSecret);

    [Fact]
    public void the_published_test_vector_signs_to_the_published_signature()
    {
        var signature = new StandardWebhookSigner(Secret)
            .Sign(WebhookTestVectors.StandardMessageId, WebhookTestVectors.StandardSentAt, WebhookTestVectors.StandardBody);

        Assert.Equal(WebhookTestVectors.StandardSignature, signature);
    }

    [Fact]
    public void fractions_of_a_second_are_dropped_as_the_header_carries_whole_seconds()
    {
        var signature = new StandardWebhookSigner(Secret)
            .Sign(WebhookTestVectors.StandardMessageId, WebhookTestVectors.StandardSentAt.AddMilliseconds(999), WebhookTestVectors.StandardBody);

        Assert.Equal(WebhookTestVectors.StandardSignature, signature);
    }

    [Fact]
    public void during_a_rotation_the_header_lists_one_signature_per_secret_separated_by_a_space()
    {
        var next = StandardWebhookSecret.Generate();

        var signature = new StandardWebhookSigner(next, Secret)
            .Sign(WebhookTestVectors.StandardMessageId, WebhookTestVectors.StandardSentAt, WebhookTestVectors.StandardBody);

        var parts = signature.Split(' ');
        Assert.Equal(2, parts.Length);
        Assert.StartsWith("v1,", parts[0], StringComparison.Ordinal);
        Assert.NotEqual(WebhookTestVectors.StandardSignature, parts[0]);
        Assert.Equal(WebhookTestVectors.StandardSignature, parts[1]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("msg.1")]
    [InlineData("msg 1")]
    [InlineData("msg\r\nX-Injected: 1")]
    public void an_id_that_could_blur_the_signed_content_or_a_header_is_refused(string id)
    {
        var signer = new StandardWebhookSigner(Secret);

        var error = Assert.Throws<ArgumentException>(() => signer.Sign(id, WebhookTestVectors.StandardSentAt, WebhookTestVectors.StandardBody));

        Assert.Equal("messageId", error.ParamName);
    }

    [Fact]
    public void new_message_ids_are_valid_and_distinct()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => WebhookMessageId.New()).ToList();

        Assert.All(ids, id => Assert.True(WebhookMessageId.IsValid(id), id));
        Assert.All(ids, id => Assert.StartsWith("msg_", id, StringComparison.Ordinal));
        Assert.Equal(100, ids.Distinct().Count());
    }
}
