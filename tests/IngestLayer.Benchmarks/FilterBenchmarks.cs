using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using IngestLayer.Contracts;
using IngestLayer.Pipelines;
using IngestLayer.Pipelines.Filters;
using IngestLayer.Pipelines.Templates;

namespace IngestLayer.Benchmarks;

/// <summary>
/// A pipeline's per-event filter: the 3-clause filter of issue 5 compiled once, evaluated over an event whose
/// properties are about 200 bytes of JSON with the read key fifth (every clause true, so none short-circuits),
/// the context reset per event as the runtime does. Against it: the same three checks written by hand over a
/// <c>JsonDocument</c> parsed per event, and what a pipeline version pays once to parse and compile the filter.
/// </summary>
[MemoryDiagnoser]
public class FilterBenchmarks
{
    private const string Filter = "feature in [\"export\", \"api\", \"webhook\"] and account.plan == \"free\" and properties.url contains \"/settings\"";

    private const string Properties = """
        {"$current_url":"https://app.example.com/settings/billing?tab=invoices","$browser":"Chrome","$os":"Mac OS X",
        "referrer":"https://app.example.com/home","url":"/settings/billing","count":1,"beta":false}
        """;

    private readonly FilterAccount _account = new("acct-1", "Acme", "free", "ada@vendor.com", "#ada-alerts", 62);
    private readonly FilterUser _user = new("user-1", "ada@acme.com", "Ada");
    private IngestEvent _event = null!;
    private FilterContext _context = null!;
    private CompiledFilter _filter = null!;
    private MessageTemplate _template = null!;
    private CompiledFilter _noProperties = null!;
    private CompiledFilter _propertiesOnly = null!;

    [GlobalSetup]
    public void Setup()
    {
        _event = new IngestEvent
        {
            Workspace = "default",
            Source = "bench",
            MessageId = "m-1",
            Name = "feature.used",
            Feature = "export",
            UserId = "user-1",
            AccountId = "acct-1",
            Timestamp = DateTimeOffset.UnixEpoch,
            Properties = Encoding.UTF8.GetBytes(Properties),
        };
        _context = new FilterContext(_event, _user, _account);
        _filter = Compile(Filter);
        _noProperties = Compile("feature in [\"export\", \"api\", \"webhook\"] and account.plan == \"free\"");
        _propertiesOnly = Compile("properties.url contains \"/settings\"");
        _template = MessageTemplate.Parse("$user.email used $event.feature on $event.properties.url (${account.name}, $account.plan)");
        if (!CompiledFilter() || !JsonDocumentPerEvent())
        {
            throw new InvalidOperationException("the benchmark event must pass every clause");
        }
    }

    private static CompiledFilter Compile(string text) =>
        FilterCompiler.TryCompile(text, null, out var filter, out var error) ? filter : throw new InvalidOperationException(error.Message);

    [Benchmark(Baseline = true, Description = "compiled 3-clause filter, per event")]
    public bool CompiledFilter()
    {
        _context.Reset(_event, _user, _account);
        return _filter.Matches(_context);
    }

    [Benchmark(Description = "the two clauses without properties, per event")]
    public bool WithoutProperties()
    {
        _context.Reset(_event, _user, _account);
        return _noProperties.Matches(_context);
    }

    [Benchmark(Description = "the properties clause alone, per event")]
    public bool PropertiesOnly()
    {
        _context.Reset(_event, _user, _account);
        return _propertiesOnly.Matches(_context);
    }

    [Benchmark(Description = "same checks by hand over JsonDocument, per event")]
    public bool JsonDocumentPerEvent()
    {
        if (_event.Feature is not ("export" or "api" or "webhook") || _account.Plan != "free")
        {
            return false;
        }

        using var document = JsonDocument.Parse(_event.Properties);
        return document.RootElement.TryGetProperty("url", out var url)
            && url.ValueKind == JsonValueKind.String
            && url.GetString()!.Contains("/settings", StringComparison.Ordinal);
    }

    [Benchmark(Description = "parse + compile the filter, once per pipeline version")]
    public CompiledFilter? ParseAndCompile() => FilterCompiler.TryCompile(Filter, null, out var filter, out _) ? filter : null;

    [Benchmark(Description = "render a 5-placeholder message template")]
    public string RenderTemplate()
    {
        _context.Reset(_event, _user, _account);
        return _template.Render(_context);
    }
}
