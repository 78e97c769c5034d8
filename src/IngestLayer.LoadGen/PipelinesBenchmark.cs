using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace IngestLayer.LoadGen;

/// <summary>
/// <c>--mode pipelines</c>: what ten active pipelines cost. Two embedded gateways in child processes of their own,
/// configured alike; one gets <see cref="Pipelines"/> (and the named list they test) through the ops API before the
/// rounds, the other none. The pipelines look like an operator's: every event the generator sends is taken by at
/// least one of them (exact names and globs), runs 2–3-clause filters, and the few that pass (two listed accounts)
/// are enriched with the user (a grain call) and the account and delivered. Same client and batches in alternating
/// rounds; the report gives the throughput with pipelines as a share of the throughput without.
/// </summary>
internal static class PipelinesBenchmark
{
    public const string WithPipelines = "pipelines";
    public const string WithoutPipelines = "no-pipelines";

    private static readonly string[] Pipelines =
    [
        Pipeline("exports", ["feature.used"], """feature in ["csv.export", "api.access", "webhook.create"] and properties.plan == "free" and account_id in list("vip")"""),
        Pipeline("docs", ["$pageview"], """properties.url contains "docs" and account_id in list("vip")""", channel: "$account.owner_channel"),
        Pipeline("sso", ["feature.used"], """feature == "sso.login" and properties.plan != "enterprise" and account_id in list("vip")"""),
        Pipeline("invites", ["team member invited"], """account_id in list("vip") and properties.plan in ["free", "pro"]"""),
        Pipeline("created", ["* created"], """account_id in list("vip") and properties.plan == "pro" """),
        Pipeline("launches", ["experiment launched", "survey launched"], """account_id in list("vip") and not (properties.plan == "enterprise")"""),
        Pipeline("reports", ["feature.used"], """feature starts_with "reports" and account_id in list("vip")"""),
        Pipeline("shares", ["feature.used"], """feature == "dashboard.share" and properties.count >= 1 and account_id in list("vip")"""),
        Pipeline("audits", ["feature.*"], """feature == "audit.view" and account_id in list("vip")"""),
        Pipeline("firehose", ["*"], """user_id == "user-0" and account_id in list("vip")"""),
    ];

    public static async Task<int> RunAsync(LoadOptions options, string writeKey, string adminToken)
    {
        var runner = new LoadRunner(options, new BatchWriter(options));
        await using var none = await TargetProcess.StartAsync("gateway");
        await using var with = await TargetProcess.StartAsync("gateway");
        await CreatePipelinesAsync(with.Url, adminToken);

        Console.WriteLine($"IngestLayer load generator, pipelines: {options.Rounds} rounds × {options.Duration.TotalSeconds:0}s per target, concurrency {options.Concurrency}, "
            + $"batches of {options.BatchSize} events over {options.Accounts} accounts and {options.Users} users, {Environment.ProcessorCount} cores");
        Console.WriteLine($"  {WithPipelines}: embedded gateway with {Pipelines.Length} pipelines; {WithoutPipelines}: the same with none");
        var results = await Rounds.RunAsync(options,
        [
            (WithoutPipelines, () => runner.RunAsync(WithoutPipelines, none.Url, writeKey, none.CpuTime)),
            (WithPipelines, () => runner.RunAsync(WithPipelines, with.Url, writeKey, with.CpuTime)),
        ]);
        Rounds.PrintMedians(results, WithoutPipelines, WithPipelines);
        if (Rounds.Ratio(results, WithPipelines, WithoutPipelines) is { } ratio)
        {
            Console.WriteLine($"{WithPipelines} / {WithoutPipelines} = {ratio:P0}: {Pipelines.Length} pipelines cost {1 - ratio:P0} of throughput (target: under 15%)");
        }

        return results.Any(r => r.Failures > 0) ? 1 : 0;
    }

    private static string Pipeline(string id, string[] match, string filter, string channel = "#alerts") => JsonSerializer.Serialize(new
    {
        id,
        match,
        steps = new object[] { new { filter }, new { enrich = new[] { "user", "account" } } },
        destinations = new[] { new { type = "slack", channel } },
    });

    private static async Task CreatePipelinesAsync(Uri gateway, string adminToken)
    {
        using var http = new HttpClient { BaseAddress = gateway };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using (var list = await http.PutAsync("/ops/lists/vip", new StringContent("account_id\nacct-1\nacct-2\n", Encoding.UTF8, "text/csv")))
        {
            list.EnsureSuccessStatusCode();
        }

        foreach (var pipeline in Pipelines)
        {
            using var response = await http.PostAsync("/ops/pipelines", new StringContent(pipeline, Encoding.UTF8, "application/json"));
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Creating a pipeline failed ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync()}");
            }
        }
    }
}
