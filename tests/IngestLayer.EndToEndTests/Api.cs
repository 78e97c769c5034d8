using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IngestLayer.EndToEndTests;

/// <summary>Small HTTP helpers over the host, and an explicit wait that says what it waited for.</summary>
internal static class Api
{
    public static async Task<HttpResponseMessage> PostJsonAsync(this HostFixture host, string path, string json, string? writeKey = HostFixture.WriteKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (writeKey is not null)
        {
            request.Headers.Authorization = HostFixture.Bearer(writeKey);
        }

        return await host.Http.SendAsync(request);
    }

    public static async Task<JsonNode> PostEventsAsync(this HostFixture host, string json, string writeKey = HostFixture.WriteKey)
    {
        using var response = await host.PostJsonAsync("/v1/events", json, writeKey);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /v1/events answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    public static async Task<(int Status, JsonNode? Body)> OpsGetAsync(this HostFixture host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = HostFixture.Bearer(HostFixture.AdminToken);
        using var response = await host.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, body.Length == 0 ? null : JsonNode.Parse(body));
    }

    public static async Task<JsonNode> AccountAsync(this HostFixture host, string accountId, string workspace = "default")
    {
        var (status, body) = await host.OpsGetAsync($"/ops/accounts/{Uri.EscapeDataString(accountId)}?workspace={workspace}");
        Assert.True(status == 200, $"GET /ops/accounts/{accountId} answered {status}: {body?.ToJsonString()}");
        return body!;
    }

    public static string Json(object value) => JsonSerializer.Serialize(value);

    /// <summary>Polls <paramref name="probe"/> until it returns a value, or fails saying what was awaited.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string awaited, TimeSpan? timeout = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {(timeout ?? TimeSpan.FromSeconds(15)).TotalSeconds}s waiting for {awaited}.");
            }

            await Task.Delay(50);
        }
    }

    public static Task<JsonNode> AlertStatusAsync(this HostFixture host, string accountId, string status) =>
        EventuallyAsync(
            async () =>
            {
                var (_, body) = await host.OpsGetAsync($"/ops/alerts?account_id={Uri.EscapeDataString(accountId)}&status={status}");
                return body?.AsArray().FirstOrDefault();
            },
            $"an alert for account {accountId} with status {status}");

    public static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];
}
