using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;

namespace IngestLayer.Gateway;

/// <summary>
/// A request body read whole into a pooled buffer, with the size limit enforced on the decoded bytes
/// (a gzip body is decompressed with the same limit, so a small bomb cannot expand without bound).
/// </summary>
public sealed class RequestBody : IDisposable
{
    private byte[]? _buffer;

    private RequestBody(byte[]? buffer, int length, bool tooLarge, string? error)
    {
        _buffer = buffer;
        Length = length;
        TooLarge = tooLarge;
        Error = error;
    }

    public int Length { get; }

    public bool TooLarge { get; }

    /// <summary>Why the body could not be read (bad encoding), or null.</summary>
    public string? Error { get; }

    public ReadOnlyMemory<byte> Memory => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, Length);

    public static async Task<RequestBody> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit && !IsGzip(request))
        {
            return new RequestBody(null, 0, tooLarge: true, null);
        }

        var stream = request.Body;
        var encoding = request.Headers.ContentEncoding.ToString();
        if (IsGzip(request))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
        }
        else if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return new RequestBody(null, 0, false, $"Content-Encoding '{encoding}' is not supported; send gzip or an uncompressed body.");
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(request.ContentLength ?? 16 * 1024, 1024, limit + 1L));
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

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
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
            return new RequestBody(null, 0, false, "The body is marked Content-Encoding: gzip but is not valid gzip.");
        }
        finally
        {
            if (!ReferenceEquals(stream, request.Body))
            {
                await stream.DisposeAsync();
            }
        }

        if (length > limit)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return new RequestBody(null, 0, tooLarge: true, null);
        }

        return new RequestBody(buffer, length, false, null);
    }

    /// <summary>A body decoded further after reading (PostHog's encodings), in a buffer rented from the shared pool.</summary>
    internal static RequestBody FromPooled(byte[] buffer, int length) => new(buffer, length, false, null);

    /// <summary>A body refused while decoding: over the limit, or unreadable for <paramref name="error"/>.</summary>
    internal static RequestBody Refused(bool tooLarge, string? error) => new(null, 0, tooLarge, error);

    public void Dispose()
    {
        if (_buffer is { } b)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    private static bool IsGzip(HttpRequest request) => request.Headers.ContentEncoding.ToString().Equals("gzip", StringComparison.OrdinalIgnoreCase);
}
