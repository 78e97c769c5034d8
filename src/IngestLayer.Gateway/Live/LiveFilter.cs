using System.Text;
using System.Text.Json;
using IngestLayer.Contracts;
using IngestLayer.Contracts.Live;
using IngestLayer.Pipelines;
using IngestLayer.Pipelines.Filters;

namespace IngestLayer.Gateway.Live;

/// <summary>
/// A feed's <c>?filter=</c>, evaluated on the subscriber's side (each subscriber has its own). An event is matched as
/// it was ingested, with its account as the batch left it; <c>user.*</c> other than <c>user.id</c> reads as missing
/// (a feed does not call user grains). An alert is matched as an event named <c>alert</c> whose <c>feature</c> is the
/// alert's subject and whose properties are its rule, signal, category, severity and title. Not thread-safe.
/// </summary>
internal sealed class LiveFilter(CompiledFilter filter)
{
    private static readonly ReadOnlyMemory<byte> EmptyObject = "{}"u8.ToArray();

    private FilterContext? _context;
    private LiveAccount? _account;
    private FilterAccount? _filterAccount;

    public bool Matches(LiveAccount account, LiveEvent e) => Matches(account, new IngestEvent
    {
        Workspace = account.Workspace,
        MessageId = e.MessageId,
        Kind = e.Kind,
        Name = e.Name,
        UserId = e.UserId,
        AnonymousId = e.AnonymousId,
        AccountId = account.AccountId,
        Timestamp = e.Timestamp,
        Feature = e.Feature,
        Count = e.Count,
        Plan = e.Plan,
        Traits = e.Traits,
        Properties = e.PropertiesJson is { } json ? Encoding.UTF8.GetBytes(json) : EmptyObject,
    });

    public bool Matches(LiveAccount account, LiveAlert a) => Matches(account, new IngestEvent
    {
        Workspace = account.Workspace,
        MessageId = a.AlertId,
        Name = "alert",
        AccountId = account.AccountId,
        Timestamp = a.FiredAt,
        Feature = a.Subject,
        Properties = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string?>
        {
            ["rule"] = a.Rule,
            ["signal"] = a.Signal,
            ["category"] = a.Category,
            ["severity"] = a.Severity,
            ["title"] = a.Title,
        }),
    });

    private bool Matches(LiveAccount account, IngestEvent e)
    {
        if (!ReferenceEquals(account, _account))
        {
            _account = account;
            _filterAccount = new FilterAccount(account.AccountId, account.Name, account.Plan, account.Owner, account.OwnerChannel, account.Health, account.Traits);
        }

        if (_context is null)
        {
            _context = new FilterContext(e, user: null, _filterAccount);
        }
        else
        {
            _context.Reset(e, user: null, _filterAccount);
        }

        return filter.Matches(_context);
    }
}
