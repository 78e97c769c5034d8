using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace IngestLayer.Gateway.Security;

/// <summary>Reads credentials from request headers and compares secrets in constant time.</summary>
public static class Credentials
{
    /// <summary>The token of <c>Authorization: Bearer x</c>, the user name of <c>Authorization: Basic</c> (Segment's convention), else null.</summary>
    public static string? WriteKeyFromHeader(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header) || header.Parameter is null)
        {
            return null;
        }

        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return header.Parameter;
        }

        if (header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon < 0 ? decoded : decoded[..colon];
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }

    public static string? BearerToken(HttpRequest request) =>
        AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
        && header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)
            ? header.Parameter
            : null;

    public static bool SecretEquals(string? presented, string expected) =>
        presented is not null
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
