using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace IngestLayer.EndToEndTests;

/// <summary>The ops API calls the pipeline tests make: a status, the parsed body and the raw text (to search for secrets).</summary>
internal static class PipelineApi
{
    public sealed record Answer(int Status, JsonNode? Body, string Text);

    public static async Task<Answer> OpsAsync(this HostFixture host, HttpMethod method, string path, string? body = null, string contentType = "application/json", string? token = HostFixture.AdminToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (token is not null)
        {
            request.Headers.Authorization = HostFixture.Bearer(token);
        }

        using var response = await host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), text);
    }

    /// <summary>Creates a pipeline and returns the create response, failing with the problem when it is refused.</summary>
    public static async Task<JsonNode> CreatePipelineAsync(this HostFixture host, string workspace, object pipeline)
    {
        var answer = await host.OpsAsync(HttpMethod.Post, $"/ops/pipelines?workspace={workspace}", Api.Json(pipeline));
        Assert.True(answer.Status == 201, $"POST /ops/pipelines answered {answer.Status}: {answer.Text}");
        return answer.Body!;
    }

    public static async Task<JsonNode> PipelineStatusAsync(this HostFixture host, string workspace, string pipelineId)
    {
        var answer = await host.OpsAsync(HttpMethod.Get, $"/ops/pipelines/{pipelineId}?workspace={workspace}");
        Assert.True(answer.Status == 200, $"GET /ops/pipelines/{pipelineId} answered {answer.Status}: {answer.Text}");
        return answer.Body!;
    }

    /// <summary>Polls the pipeline's GET until <paramref name="done"/> holds for it; a timeout shows the last answer.</summary>
    public static async Task<JsonNode> PipelineStatusWhenAsync(this HostFixture host, string workspace, string pipelineId, Func<JsonNode, bool> done, string awaited, TimeSpan? timeout = null)
    {
        var wait = timeout ?? TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var status = await host.PipelineStatusAsync(workspace, pipelineId);
            if (done(status))
            {
                return status;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {wait.TotalSeconds}s waiting for pipeline {pipelineId} to show {awaited}; last: {status.ToJsonString()}");
            }

            await Task.Delay(100);
        }
    }

    public static long Stat(this JsonNode status, string name) => status["stats"]![name]!.GetValue<long>();

    public static async Task ImportOwnersAsync(this HostFixture host, string workspace, string csv)
    {
        var answer = await host.OpsAsync(HttpMethod.Post, $"/ops/owners/import?workspace={workspace}", csv, "text/csv");
        Assert.True(answer.Status == 200 && answer.Body!["errors"]!.AsArray().Count == 0, $"the owner import answered {answer.Status}: {answer.Text}");
    }

    public static async Task UploadListAsync(this HostFixture host, string workspace, string name, string csv)
    {
        var answer = await host.OpsAsync(HttpMethod.Put, $"/ops/lists/{name}?workspace={workspace}", csv, "text/csv");
        Assert.True(answer.Status == 200, $"PUT /ops/lists/{name} answered {answer.Status}: {answer.Text}");
    }

    /// <summary>Sends identify (email) and group (name, plan) calls as Segment would, and waits until the user grain has the email.</summary>
    public static async Task IdentifyAsync(this HostFixture host, string writeKey, string workspace, string userId, string email, string account, string accountName, string plan)
    {
        using (var identify = await host.PostJsonAsync("/v1/identify", Api.Json(new { userId, traits = new { email } }), writeKey))
        {
            Assert.Equal(200, (int)identify.StatusCode);
        }

        using (var group = await host.PostJsonAsync("/v1/group", Api.Json(new { userId, groupId = account, traits = new { name = accountName, plan } }), writeKey))
        {
            Assert.Equal(200, (int)group.StatusCode);
        }

        // Ops reads wait for what was acknowledged before them: after this, enrichment sees the email and the plan.
        var (status, user) = await host.OpsGetAsync($"/ops/users/{userId}?workspace={workspace}");
        Assert.True(status == 200 && user!.ToJsonString().Contains(email, StringComparison.Ordinal), $"GET /ops/users/{userId} answered {status}: {user?.ToJsonString()}");
        var acct = await host.AccountAsync(account, workspace);
        Assert.Equal(plan, acct["account"]!["profile"]!["plan"]?.GetValue<string>());
    }
}
