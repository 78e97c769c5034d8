using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace IngestLayer.Gateway.PostHog;

/// <summary>
/// Reads a capture request's body the ways PostHog's SDKs send it: gzip (posthog-node says so with
/// <c>Content-Encoding: gzip</c>; posthog-js only with <c>?compression=gzip-js</c>, as <c>text/plain</c>),
/// posthog-js's <c>data=&lt;base64&gt;</c> form bodies, or plain JSON. Like PostHog's own server, gzip is
/// recognised by its first two bytes whatever the headers say. Every decoded form is held to the same
/// limit as a plain body, so a small compressed bomb is refused as too large, never expanded without bound.
/// </summary>
internal static class PostHogBody
{
    public static async Task<RequestBody> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        // Content-Encoding: gzip is undone here, with the limit; other encodings are refused with a reason.
        var body = await RequestBody.ReadAsync(request, limit, cancellationToken);
        if (body.TooLarge || body.Error is not null)
        {
            return body;
        }

        if (IsForm(request, body.Memory.Span))
        {
            body = Replace(body, DecodeForm(body.Memory.Span));
            if (body.TooLarge || body.Error is not null)
            {
                return body;
            }
        }
        else if (request.Query["compression"].ToString().Equals("lz64", StringComparison.OrdinalIgnoreCase))
        {
            return Replace(body, RequestBody.Refused(false, Lz64));
        }

        return IsGzip(body.Memory.Span) ? Replace(body, Gunzip(body.Memory, limit)) : body;
    }

    private const string Lz64 = "compression=lz64 is not supported; send gzip (posthog-js 'gzip-js'), base64 or plain JSON.";

    private static bool IsGzip(ReadOnlySpan<byte> body) => body.Length >= 2 && body[0] == 0x1f && body[1] == 0x8b;

    private static bool IsForm(HttpRequest request, ReadOnlySpan<byte> body) =>
        request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true
        || body.StartsWith("data="u8);

    private static RequestBody Replace(RequestBody old, RequestBody decoded)
    {
        old.Dispose();
        return decoded;
    }

    /// <summary>posthog-js's form body: <c>data</c> holds the JSON, base64-encoded unless it is JSON already.</summary>
    private static RequestBody DecodeForm(ReadOnlySpan<byte> body)
    {
        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        if (form.TryGetValue("compression", out var compression) && compression.ToString().Equals("lz64", StringComparison.OrdinalIgnoreCase))
        {
            return RequestBody.Refused(false, Lz64);
        }

        var data = form.TryGetValue("data", out var value) ? value.ToString().Trim() : "";
        if (data.Length == 0)
        {
            return RequestBody.Refused(false, "A form-encoded body must carry the events in its 'data' field.");
        }

        if (data[0] is '{' or '[')
        {
            var length = Encoding.UTF8.GetByteCount(data);
            var json = ArrayPool<byte>.Shared.Rent(length);
            return RequestBody.FromPooled(json, Encoding.UTF8.GetBytes(data, json));
        }

        // Form decoding reads '+' as a space; base64 has no spaces, so any space was a '+'.
        var base64 = data.Replace(' ', '+');
        var buffer = ArrayPool<byte>.Shared.Rent(base64.Length / 4 * 3 + 3);
        if (!Convert.TryFromBase64String(base64, buffer, out var written))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return RequestBody.Refused(false, "The form field 'data' is neither JSON nor base64-encoded JSON.");
        }

        return RequestBody.FromPooled(buffer, written);
    }

    private static RequestBody Gunzip(ReadOnlyMemory<byte> compressed, int limit)
    {
        if (!MemoryMarshal.TryGetArray(compressed, out var segment))
        {
            segment = compressed.ToArray();
        }

        using var gzip = new GZipStream(new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false), CompressionMode.Decompress);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(segment.Count * 4, 4096), limit + 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        break;
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                // In memory: the synchronous read does no I/O.
                var read = gzip.Read(buffer.AsSpan(length));
                if (read == 0)
                {
                    break;
                }

                length += read;
            }
        }
        catch (InvalidDataException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return RequestBody.Refused(false, "The body starts like gzip but is not valid gzip.");
        }

        if (length > limit)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return RequestBody.Refused(tooLarge: true, null);
        }

        return RequestBody.FromPooled(buffer, length);
    }
}
