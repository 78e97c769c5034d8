using IngestLayer.Contracts;
using IngestLayer.Pipelines;
using IngestLayer.Pipelines.Runtime;
using static IngestLayer.UnitTests.Pipelines.PipelineTestEvents;

namespace IngestLayer.UnitTests.Pipelines;

public class CompiledPipelinesTests
{
    private static string[] Ids(CompiledPipeline[] pipelines) => [.. pipelines.Select(p => p.Id)];

    [Fact]
    public void exact_names_and_globs_each_find_their_pipelines_in_id_order()
    {
        var compiled = CompiledPipelines.Compile(new PipelineSet(
        [
            Pipeline("z-billing", ["billing *"]),
            Pipeline("a-features", ["feature.used", "$pageview"]),
            Pipeline("m-any-used", ["*.used"]),
            Pipeline("b-pages", ["$pageview"]),
        ], []));

        Assert.Equal(["a-features", "m-any-used"], Ids(compiled.For("feature.used")));
        Assert.Equal(["a-features", "b-pages"], Ids(compiled.For("$pageview")));
        Assert.Equal(["z-billing"], Ids(compiled.For("billing invoice payment failed")));
        Assert.Equal(["m-any-used"], Ids(compiled.For("coupon.used")));
        Assert.Empty(compiled.For("team member invited"));
        Assert.Empty(compiled.For("Feature.Used"));
        // Asked again, a remembered answer is the same.
        Assert.Equal(["a-features", "m-any-used"], Ids(compiled.For("feature.used")));
    }

    [Fact]
    public void with_exact_names_only_a_look_up_answers_and_a_pipeline_matching_twice_comes_once()
    {
        var compiled = CompiledPipelines.Compile(new PipelineSet(
        [
            Pipeline("b", ["signup", "login"]),
            Pipeline("a", ["login"]),
        ], []));

        Assert.Equal(["a", "b"], Ids(compiled.For("login")));
        Assert.Equal(["b"], Ids(compiled.For("signup")));
        Assert.Empty(compiled.For("log*"));
    }

    [Fact]
    public void disabled_pipelines_are_not_compiled_and_take_no_event()
    {
        var compiled = CompiledPipelines.Compile(new PipelineSet(
        [
            Pipeline("off", ["feature.used"], enabled: false),
            Pipeline("off-glob", ["*"], enabled: false),
            Pipeline("on", ["feature.used"]),
        ], []));

        Assert.Equal(["on"], Ids(compiled.All));
        Assert.Equal(["on"], Ids(compiled.For("feature.used")));
        Assert.Empty(compiled.For("anything else"));
    }

    [Fact]
    public void no_pipelines_take_nothing()
    {
        Assert.Empty(CompiledPipelines.None.For("feature.used"));
        Assert.Empty(CompiledPipelines.Compile(PipelineSet.Empty).For("feature.used"));
    }

    [Fact]
    public async Task a_list_that_was_deleted_reads_as_empty_so_the_pipeline_runs_and_its_test_is_false()
    {
        var filter = "account.id in list(\"ada-book\")";
        var withList = CompiledPipelines.Compile(new PipelineSet([Pipeline("book", ["feature.used"], filter)], [new NamedListDefinition { Id = "ada-book", Values = ["org-1"] }]));
        var afterDelete = CompiledPipelines.Compile(new PipelineSet([Pipeline("book", ["feature.used"], filter)], []));
        var e = Event("feature.used", account: "org-1");

        var pipeline = Assert.Single(withList.For("feature.used"));
        Assert.Equal(PipelineEvaluator.Passed, await PipelineEvaluator.RunAsync(pipeline, new FilterContext(e), NoEnrichment.Instance));

        pipeline = Assert.Single(afterDelete.For("feature.used"));
        Assert.Empty(afterDelete.Problems);
        Assert.Equal(0, await PipelineEvaluator.RunAsync(pipeline, new FilterContext(e), NoEnrichment.Instance));
    }

    [Fact]
    public void a_stored_pipeline_that_no_longer_compiles_is_skipped_and_reported()
    {
        var compiled = CompiledPipelines.Compile(new PipelineSet(
        [
            Pipeline("broken", ["feature.used"], "feature ==="),
            Pipeline("fine", ["feature.used"]),
        ], []));

        Assert.Equal(["fine"], Ids(compiled.For("feature.used")));
        var problem = Assert.Single(compiled.Problems);
        Assert.Equal("broken", problem.PipelineId);
        Assert.StartsWith("steps[0].filter: ", problem.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_evaluator_stops_at_the_first_false_filter_and_enriches_only_when_a_step_says_so()
    {
        var definition = new PipelineDefinition
        {
            Id = "p",
            Match = ["feature.used"],
            Steps =
            [
                new PipelineStep { Filter = "feature == \"export\"" },
                new PipelineStep { Enrich = ["account"] },
                new PipelineStep { Filter = "account.plan == \"free\"" },
            ],
            Destinations = [new PipelineDestination { Id = "slack-1", Type = "slack" }],
        };
        var pipeline = CompiledPipeline.TryCompile(definition, CompiledPipelines.Registry([]), out var error)!;
        Assert.Null(error);
        var enrichment = new FixedEnrichment(null, new FilterAccount("org-1", "Org One", "free", "ada@vendor.example", "#ada"));

        var export = new FilterContext(Event("feature.used", feature: "export"));
        Assert.Equal(PipelineEvaluator.Passed, await PipelineEvaluator.RunAsync(pipeline, export, enrichment));
        Assert.Equal("free", export.Account!.Plan);
        Assert.Null(export.User); // not asked for

        var other = new FilterContext(Event("feature.used", feature: "dashboards"));
        Assert.Equal(0, await PipelineEvaluator.RunAsync(pipeline, other, enrichment));
        Assert.Null(other.Account);
        Assert.Equal(1, enrichment.AccountCalls); // only the export: the dropped event never reached the enrich step

        var paid = new FilterContext(Event("feature.used", feature: "export"));
        Assert.Equal(2, await PipelineEvaluator.RunAsync(pipeline, paid, new FixedEnrichment(null, new FilterAccount("org-1", null, "pro", null, null))));
    }

    internal sealed class NoEnrichment : IPipelineEnrichment
    {
        public static readonly NoEnrichment Instance = new();

        public ValueTask<FilterUser?> UserAsync(IngestEvent e) => ValueTask.FromResult<FilterUser?>(null);

        public ValueTask<FilterAccount?> AccountAsync(IngestEvent e) => ValueTask.FromResult<FilterAccount?>(null);
    }

    internal sealed class FixedEnrichment(FilterUser? user, FilterAccount? account) : IPipelineEnrichment
    {
        public int AccountCalls { get; private set; }

        public ValueTask<FilterUser?> UserAsync(IngestEvent e) => ValueTask.FromResult(user);

        public ValueTask<FilterAccount?> AccountAsync(IngestEvent e)
        {
            AccountCalls++;
            return ValueTask.FromResult(account);
        }
    }
}
