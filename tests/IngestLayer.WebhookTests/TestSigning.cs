using System.Security.Cryptography;
using System.Text;

namespace IngestLayer.WebhookTests;

/// <summary>Both schemes' signatures computed the plain way, independently of the code under test.</summary>
internal static class TestSigning
{
    public static string Standard(string whsecSecret, string id, long timestamp, string body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(
            Convert.FromBase64String(whsecSecret["whsec_".Length..]),
            Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));

    public static string Stripe(string secret, long timestamp, byte[] body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes($"{timestamp}.").Concat(body).ToArray()));
}
