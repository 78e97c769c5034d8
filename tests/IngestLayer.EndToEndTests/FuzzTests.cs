using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace IngestLayer.EndToEndTests;

/// <summary>
/// 10,000 generated requests at the real gateway, seeded so a failure replays: malformed and truncated JSON, wrong
/// types in every field, huge, deep and unicode-edge values, invalid UTF-8, bad and missing auth, bad compression,
/// and bad webhook signatures, on every ingestion path; mixed with valid events. Not one may be answered 5xx, the
/// host must be healthy afterwards, and every valid event accepted in the run must be counted.
/// </summary>
[Collection(HostCollection.Name)]
public class FuzzTests(HostFixture host)
{
    private const int Requests = 10_000;
    private const int Concurrency = 8;

    private static readonly string[] Paths = ["/v1/events", "/v1/batch", "/v1/track", "/v1/identify", "/v1/group", "/v1/page", "/batch", "/capture/", "/e", "/i/v0/e/", "/v1/webhooks/whsrc_000000000000000000000000"];

    private static readonly string[] Values =
    [
        "null", "true", "0", "-1", "1e309", "18446744073709551616", "\"\"", "[]", "{}", "[[[[[]]]]]", "\"\\ud800\"", "\"\\u0000\"",
        "\"😀\"", "\"" + new string('x', 5_000) + "\"", "\"2026-13-45T99:99:99Z\"", "{\"a\":{\"b\":{\"c\":[1,2,{\"d\":null}]}}}",
    ];

    [Fact]
    public async Task ten_thousand_generated_requests_get_no_5xx_and_every_valid_event_is_counted()
    {
        var account = Api.NewId("fuzz");
        var serverErrors = new List<string>();
        var acceptedValid = 0;
        var next = -1;

        async Task WorkerAsync(int worker)
        {
            var random = new Random(20261130 + worker);
            while (Interlocked.Increment(ref next) < Requests)
            {
                var valid = random.Next(5) == 0;
                using var request = valid ? Valid(account, random) : Mutant(random);
                using var response = await host.Http.SendAsync(request);
                var status = (int)response.StatusCode;
                if (status >= 500)
                {
                    var problem = $"{request.Method} {request.RequestUri}: {status} {await response.Content.ReadAsStringAsync()}";
                    lock (serverErrors)
                    {
                        serverErrors.Add(problem);
                    }
                }
                else if (valid)
                {
                    Assert.True(status == 200, $"a valid event was answered {status}: {await response.Content.ReadAsStringAsync()}");
                    var accepted = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["accepted"]!.GetValue<int>();
                    Interlocked.Add(ref acceptedValid, accepted);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(WorkerAsync));

        Assert.True(serverErrors.Count == 0, $"{serverErrors.Count} requests were answered 5xx: {string.Join(" | ", serverErrors.Select(e => e[..e.IndexOf(": ", StringComparison.Ordinal)]).Distinct())}");
        using (var health = await host.Http.GetAsync("/health"))
        {
            Assert.Equal(200, (int)health.StatusCode);
        }

        Assert.True(acceptedValid > 1_000, $"only {acceptedValid} valid events were accepted");
        await Api.EventuallyAsync(
            async () => (await host.AccountAsync(account))["account"]!["events"]!["fuzz.ok"]?["28d"]?.GetValue<long>() == acceptedValid ? "counted" : null,
            $"{acceptedValid} fuzz.ok events counted on {account}");
    }

    private HttpRequestMessage Valid(string account, Random random) => Post(
        "/v1/events",
        Encoding.UTF8.GetBytes($"{{\"event\":\"fuzz.ok\",\"user_id\":\"fuzz-user-{random.Next(50)}\",\"account_id\":\"{account}\",\"properties\":{{\"n\":{random.Next()},\"s\":\"é😀\\u0000\"}}}}"),
        HostFixture.WriteKey);

    private HttpRequestMessage Mutant(Random random)
    {
        var path = Paths[random.Next(Paths.Length)];
        var body = Encoding.UTF8.GetBytes(Template(random));
        switch (random.Next(8))
        {
            case 0: // truncated anywhere
                body = body[..random.Next(body.Length + 1)];
                break;
            case 1: // a random byte flipped, often invalid UTF-8 or structure
                if (body.Length > 0)
                {
                    body[random.Next(body.Length)] = (byte)random.Next(256);
                }

                break;
            case 2: // random bytes
                body = new byte[random.Next(1, 2_000)];
                random.NextBytes(body);
                break;
            case 3: // deep nesting
                var depth = random.Next(50, 2_000);
                body = Encoding.UTF8.GetBytes("{\"event\":\"x\",\"user_id\":\"u\",\"properties\":{\"p\":" + new string('[', depth) + new string(']', depth) + "}}");
                break;
        }

        var key = random.Next(10) switch
        {
            0 => null,
            1 => "wk_" + random.Next(),
            2 => new string('k', random.Next(600, 3_000)),
            _ => HostFixture.WriteKey,
        };
        var request = Post(path, body, key);
        switch (random.Next(12))
        {
            case 0:
                request.Content!.Headers.ContentEncoding.Add("gzip"); // claims gzip, is not
                break;
            case 1:
                var gzip = Gzip(body);
                request.Content = new ByteArrayContent(gzip[..random.Next(gzip.Length + 1)]); // truncated gzip
                request.Content.Headers.ContentEncoding.Add("gzip");
                break;
            case 2:
                request.Content!.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
                break;
            case 3:
                request.Headers.TryAddWithoutValidation("webhook-id", "msg_" + random.Next());
                request.Headers.TryAddWithoutValidation("webhook-timestamp", random.Next(3) == 0 ? "yesterday" : DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
                request.Headers.TryAddWithoutValidation("webhook-signature", "v1," + Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
                break;
            case 4:
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", random.Next(2) == 0 ? "!!!not-base64" : Convert.ToBase64String(Encoding.UTF8.GetBytes(":")));
                break;
        }

        return request;
    }

    // A plausible body with one field given a hostile value.
    private static string Template(Random random)
    {
        string V() => Values[random.Next(Values.Length)];
        return random.Next(6) switch
        {
            0 => $"{{\"event\":{V()},\"user_id\":\"u\",\"properties\":{{\"feature\":{V()}}}}}",
            1 => $"{{\"event\":\"feature.used\",\"user_id\":{V()},\"account_id\":{V()},\"timestamp\":{V()},\"properties\":{{\"feature\":\"f\",\"count\":{V()}}}}}",
            2 => $"{{\"batch\":[{{\"type\":{V()},\"userId\":\"u\",\"event\":\"e\",\"traits\":{V()}}}],\"sentAt\":{V()}}}",
            3 => $"{{\"api_key\":\"{HostFixture.WriteKey}\",\"batch\":[{{\"event\":{V()},\"distinct_id\":{V()},\"properties\":{{\"$groups\":{V()}}},\"uuid\":{V()}}}]}}",
            4 => $"{{\"events\":[{string.Join(',', Enumerable.Range(0, random.Next(0, 30)).Select(_ => V()))}]}}",
            _ => $"{{\"type\":\"invoice.payment_failed\",\"id\":{V()},\"data\":{{\"object\":{V()}}},\"created\":{V()}}}",
        };
    }

    private static HttpRequestMessage Post(string path, byte[] body, string? writeKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (writeKey is not null)
        {
            request.Headers.Authorization = HostFixture.Bearer(writeKey);
        }

        return request;
    }

    private static byte[] Gzip(byte[] body)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(body);
        }

        return output.ToArray();
    }
}
