using System.Net.Http.Headers;

namespace IngestLayer.LoadGen;

/// <summary>
/// <c>--mode rules</c>: what the default rule set costs. Two embedded gateways in child processes of their
/// own, configured alike (paid feature <c>csv.export</c>, so the default set is the paid-feature rule and
/// the failed-payment rule, and the generated free-plan accounts do fire alerts); in one of them both
/// rules are deleted through the rules API before the rounds, so its workspace has no rules at all. Same
/// client and batches in alternating rounds; the report gives the throughput with rules as a share of the
/// throughput without.
/// </summary>
internal static class RulesBenchmark
{
    public const string WithRules = "rules";
    public const string WithoutRules = "no-rules";
    private static readonly string[] DefaultRuleIds = ["paid_feature_on_free_plan", "payment_failed"];

    public static async Task<int> RunAsync(LoadOptions options, string writeKey, string adminToken)
    {
        var runner = new LoadRunner(options, new BatchWriter(options));
        await using var rules = await TargetProcess.StartAsync("gateway");
        await using var none = await TargetProcess.StartAsync("gateway");
        await DeleteRulesAsync(none.Url, adminToken);

        Console.WriteLine($"IngestLayer load generator, rules: {options.Rounds} rounds × {options.Duration.TotalSeconds:0}s per target, concurrency {options.Concurrency}, "
            + $"batches of {options.BatchSize} events over {options.Accounts} accounts and {options.Users} users, {Environment.ProcessorCount} cores");
        Console.WriteLine($"  {WithRules}: embedded gateway with the default rule set ({string.Join(", ", DefaultRuleIds)}); {WithoutRules}: the same with both deleted");
        var results = await Rounds.RunAsync(options,
        [
            (WithoutRules, () => runner.RunAsync(WithoutRules, none.Url, writeKey, none.CpuTime)),
            (WithRules, () => runner.RunAsync(WithRules, rules.Url, writeKey, rules.CpuTime)),
        ]);
        Rounds.PrintMedians(results, WithoutRules, WithRules);
        if (Rounds.Ratio(results, WithRules, WithoutRules) is { } ratio)
        {
            Console.WriteLine($"{WithRules} / {WithoutRules} = {ratio:P0}: the default rule set costs {1 - ratio:P0} of throughput (target: under 10%)");
        }

        return results.Any(r => r.Failures > 0) ? 1 : 0;
    }

    private static async Task DeleteRulesAsync(Uri gateway, string adminToken)
    {
        using var http = new HttpClient { BaseAddress = gateway };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        foreach (var id in DefaultRuleIds)
        {
            using var response = await http.DeleteAsync($"/ops/rules/{id}");
            response.EnsureSuccessStatusCode();
        }

        using var list = await http.GetAsync("/ops/rules");
        var body = await list.Content.ReadAsStringAsync();
        if (DefaultRuleIds.Any(id => body.Contains($"\"{id}\"", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"The rules were not deleted: {body}");
        }
    }
}
