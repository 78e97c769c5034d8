using System.Buffers;

namespace IngestLayer.Webhooks;

/// <summary>
/// The <c>webhook-id</c> of an outgoing webhook. Receivers deduplicate on it, so it is made once when a delivery
/// is enqueued and sent unchanged on every attempt (only <c>webhook-timestamp</c> and the signature change).
/// </summary>
public static class WebhookMessageId
{
    public const string Prefix = "msg_";
    public const int MaxLength = 128;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

    /// <summary>A new id: <c>msg_</c> and a version 7 GUID, so ids sort by creation time (to the millisecond) in a receiver's store.</summary>
    public static string New() => Prefix + Guid.CreateVersion7().ToString("N");

    /// <summary>
    /// Letters, digits, <c>_</c> and <c>-</c>, at most <see cref="MaxLength"/> characters. No <c>.</c>: the signed
    /// content is <c>{id}.{timestamp}.{body}</c>, and a dot in the id would blur where the id ends.
    /// </summary>
    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength && !id.AsSpan().ContainsAnyExcept(Allowed);
}
