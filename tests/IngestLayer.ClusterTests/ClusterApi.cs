using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IngestLayer.ClusterTests;

/// <summary>HTTP calls to one host of the cluster, direct database reads, and explicit waits that say what they waited for.</summary>
internal static class ClusterApi
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task PostEventsAsync(this HostProcess host, object body) =>
        await PostAsync(host, "/v1/events", body, new AuthenticationHeaderValue("Bearer", TwoHostCluster.WriteKey));

    /// <summary>A Segment <c>group</c> call: the write key is the Basic-auth user name.</summary>
    public static async Task PostGroupAsync(this HostProcess host, object body) =>
        await PostAsync(host, "/v1/group", body,
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(TwoHostCluster.WriteKey + ":"))));

    /// <summary>The account's state as the host reads it from its grain, or null while the host answers 404.</summary>
    public static async Task<JsonNode?> AccountAsync(this HostProcess host, string accountId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.BaseAddress, $"/ops/accounts/{Uri.EscapeDataString(accountId)}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TwoHostCluster.AdminToken);
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode == 404)
        {
            return null;
        }
        Assert.True(response.IsSuccessStatusCode, $"GET /ops/accounts/{accountId} on host {host.Name} answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["account"];
    }

    /// <summary>What a grain keeps about an account (profile, counters, members, events applied), without the read time.</summary>
    public static string StateOf(JsonNode account)
    {
        var copy = account.DeepClone().AsObject();
        copy.Remove("as_of");
        return copy.ToJsonString();
    }

    /// <summary>An ops call with the admin token: the status, the JSON body (null when empty) and the Location header.</summary>
    public static async Task<(int Status, JsonNode? Body, Uri? Location)> OpsAsync(this HostProcess host, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(host.BaseAddress, path));
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TwoHostCluster.AdminToken);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers.Location);
    }

    public static long Count(JsonNode account, string group, string key, string window = "24h") =>
        account[group]?[key]?[window]?.GetValue<long>() ?? 0;

    /// <summary>Polls <paramref name="probe"/> until it returns a value, or fails saying what was awaited.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string awaited, TimeSpan? timeout = null)
        where T : class
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds}s waiting for {awaited}.");
            }
            await Task.Delay(100);
        }
    }

    public static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task PostAsync(HostProcess host, string path, object body, AuthenticationHeaderValue auth)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseAddress, path))
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = auth;
        using var response = await Http.SendAsync(request);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} to host {host.Name} answered {(int)response.StatusCode}: {answer}");
    }
}
