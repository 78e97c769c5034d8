using System.Text;
using BenchmarkDotNet.Attributes;
using IngestLayer.Contracts;
using IngestLayer.Pipelines;
using IngestLayer.Pipelines.Runtime;

namespace IngestLayer.Benchmarks;

/// <summary>
/// What ten pipelines cost an account grain per event: the load generator's pipeline set (<c>--mode pipelines</c>:
/// exact, glob and catch-all matches, 2-3 clause filters, a named list) over its event mix, as
/// <c>AccountPipelineRun</c> does it — find the pipelines that take the event, run their steps up to the first
/// enrich step. Events from listed accounts are left out, so nothing is enriched or delivered: this is the cost every
/// event pays. Per operation: one batch of <see cref="BatchSize"/> events.
/// </summary>
[MemoryDiagnoser]
public class PipelineSetBenchmarks
{
    public const int BatchSize = 100;

    private static readonly (string Id, string[] Match, string Filter)[] Pipelines =
    [
        ("exports", ["feature.used"], "feature in [\"csv.export\", \"api.access\", \"webhook.create\"] and properties.plan == \"free\" and account_id in list(\"vip\")"),
        ("docs", ["$pageview"], "properties.url contains \"docs\" and account_id in list(\"vip\")"),
        ("sso", ["feature.used"], "feature == \"sso.login\" and properties.plan != \"enterprise\" and account_id in list(\"vip\")"),
        ("invites", ["team member invited"], "account_id in list(\"vip\") and properties.plan in [\"free\", \"pro\"]"),
        ("created", ["* created"], "account_id in list(\"vip\") and properties.plan == \"pro\""),
        ("launches", ["experiment launched", "survey launched"], "account_id in list(\"vip\") and not (properties.plan == \"enterprise\")"),
        ("reports", ["feature.used"], "feature starts_with \"reports\" and account_id in list(\"vip\")"),
        ("shares", ["feature.used"], "feature == \"dashboard.share\" and properties.count >= 1 and account_id in list(\"vip\")"),
        ("audits", ["feature.*"], "feature == \"audit.view\" and account_id in list(\"vip\")"),
        ("firehose", ["*"], "user_id == \"user-0\" and account_id in list(\"vip\")"),
    ];

    private static readonly string[] Features = ["csv.export", "api.access", "reports.schedule", "dashboard.share", "webhook.create", "sso.login", "audit.view", "alerts.create"];
    private static readonly string[] Names = ["$pageview", "insight created", "dashboard created", "team member invited", "experiment launched", "survey launched"];

    private readonly NoEnrichment _enrichment = new();
    private CompiledPipelines _pipelines = null!;
    private IngestEvent[] _events = null!;

    [GlobalSetup]
    public void Setup()
    {
        var definitions = Pipelines.Select(p => new PipelineDefinition
        {
            Id = p.Id,
            Match = p.Match,
            Steps = [new PipelineStep { Filter = p.Filter }, new PipelineStep { Enrich = ["user", "account"] }],
            Destinations = [new PipelineDestination { Id = "slack-1", Channel = "#alerts" }],
        }).ToList();
        _pipelines = CompiledPipelines.Compile(new PipelineSet(definitions, [new NamedListDefinition { Id = "vip", Values = ["acct-1", "acct-2"] }]));
        if (_pipelines.All.Length != Pipelines.Length)
        {
            throw new InvalidOperationException($"pipelines did not compile: {string.Join("; ", _pipelines.Problems)}");
        }

        var random = new Random(7);
        _events = new IngestEvent[BatchSize];
        for (var i = 0; i < BatchSize; i++)
        {
            var roll = random.Next(100);
            var feature = roll < 70 ? Features[random.Next(Features.Length)] : null;
            var properties = feature is null
                ? $$"""{"url":"https://app.example.com/docs/page-{{random.Next(50)}}","plan":"pro"}"""
                : $$"""{"feature":"{{feature}}","count":1,"plan":"free"}""";
            _events[i] = new IngestEvent
            {
                Workspace = "default",
                Source = "bench",
                MessageId = "m-" + i,
                Name = feature is null ? Names[roll % Names.Length] : "feature.used",
                Feature = feature,
                UserId = "user-" + (10 + i),
                AccountId = "acct-" + (10 + i),
                Timestamp = DateTimeOffset.UnixEpoch,
                Properties = Encoding.UTF8.GetBytes(properties),
            };
        }
    }

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public async Task<int> TenPipelinesPerEvent()
    {
        var dropped = 0;
        var context = new FilterContext(_events[0]);
        foreach (var e in _events)
        {
            var matched = _pipelines.For(e.Name);
            if (matched.Length == 0)
            {
                continue;
            }

            context.Reset(e);
            foreach (var pipeline in matched)
            {
                if (await PipelineEvaluator.RunAsync(pipeline, context, _enrichment) != PipelineEvaluator.Passed)
                {
                    dropped++;
                }
            }
        }

        return dropped;
    }

    private sealed class NoEnrichment : IPipelineEnrichment
    {
        public ValueTask<FilterUser?> UserAsync(IngestEvent e) => ValueTask.FromResult<FilterUser?>(null);

        public ValueTask<FilterAccount?> AccountAsync(IngestEvent e) => ValueTask.FromResult<FilterAccount?>(null);
    }
}
