using System.Text;

namespace IngestLayer.Webhooks;

/// <summary>
/// One delivery attempt of an outgoing webhook: a JSON body POSTed to <paramref name="Url"/>, signed with the
/// destination's secret. Keep <paramref name="MessageId"/> the same on every attempt of the same message.
/// </summary>
/// <param name="Url">The destination, an absolute http(s) URL. It may hold a token of the receiver's, so it is never logged whole.</param>
/// <param name="MessageId">The <c>webhook-id</c>; see <see cref="WebhookMessageId"/>.</param>
/// <param name="Body">The JSON body, already serialized: the signature covers these exact bytes.</param>
/// <param name="Secret">The destination's signing secret.</param>
public sealed record WebhookRequest(string Url, string MessageId, ReadOnlyMemory<byte> Body, StandardWebhookSecret Secret)
{
    /// <summary>While a secret is being rotated, the old one: the message is signed with both, so it verifies on either side of the switch.</summary>
    public StandardWebhookSecret? PreviousSecret { get; init; }

    // The URL and body stay out of the printout: the first may carry a token, the second a customer's data.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("MessageId = ").Append(MessageId)
            .Append(", Host = ").Append(Uri.TryCreate(Url, UriKind.Absolute, out var uri) ? uri.Host : "(invalid)")
            .Append(", Body = ").Append(Body.Length).Append(" bytes");
        return true;
    }
}
