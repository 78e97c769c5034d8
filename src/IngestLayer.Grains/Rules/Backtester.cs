using IngestLayer.Contracts;

namespace IngestLayer.Grains.Rules;

/// <summary>
/// Replays stored events through one rule, the way account grains would have evaluated it live, and sends
/// nothing. Each account is folded from its first stored event (so windows and baselines are right at the start of
/// the range) on a clock that reads each event's own time, one event per batch; time-based rules also get the
/// schedule's ticks in between. Alerts are named as live ones are, so a backtest names the alerts live evaluation
/// fired for the same events at the same times.
/// </summary>
public sealed class Backtester
{
    public const string DefaultChannel = "(default)";

    private readonly CompiledRules _rules;
    private readonly string _workspace;
    private readonly DateTimeOffset _from;
    private readonly DateTimeOffset _to;
    private readonly TimeSpan _tick;
    private readonly Func<string, OwnerAssignment?> _owner;
    private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);
    private readonly List<Alert> _alerts = [];

    /// <param name="request">The rule (run even if disabled) and the range whose alerts are reported.</param>
    /// <param name="tick">The schedule's interval (<see cref="RulesOptions.ScheduleInterval"/>); ticks fall on its multiples since the Unix epoch.</param>
    /// <param name="owner">The book of business's assignment of an account, if any.</param>
    public Backtester(BacktestRequest request, TimeSpan tick, Func<string, OwnerAssignment?> owner)
    {
        _rules = CompiledRules.Compile(new RuleSet([request.Rule with { Enabled = true }], IsDefault: false));
        (_workspace, _from, _to, _tick, _owner) = (request.Workspace, request.From, request.To, tick, owner);
    }

    /// <summary>Applies one stored event (in log order); events of other workspaces, without an account, or from <c>To</c> on are skipped.</summary>
    public void Apply(IngestEvent e)
    {
        if (e.Workspace != _workspace || e.AccountId is not { } accountId || e.Timestamp >= _to)
        {
            return;
        }

        if (!_accounts.TryGetValue(accountId, out var account))
        {
            _accounts[accountId] = account = new Account(new AccountState(), NextTick(e.Timestamp, _tick));
            if (_owner(accountId) is { } assignment)
            {
                account.State.AssignOwner(assignment);
            }
        }

        TickUntil(accountId, account, e.Timestamp);
        Collect(RuleRunner.ApplyBatch(account.State, _rules, _workspace, accountId, new EventBatch([e]), e.Timestamp));
    }

    /// <summary>Runs the remaining ticks to the end of the range and returns what fired in it.</summary>
    public BacktestResult Finish(long eventsScanned, bool truncated)
    {
        foreach (var (accountId, account) in _accounts)
        {
            TickUntil(accountId, account, _to);
        }

        var inRange = _alerts.Where(a => a.FiredAt >= _from && a.FiredAt < _to).OrderBy(a => a.FiredAt).ThenBy(a => a.AccountId, StringComparer.Ordinal).ToList();
        var perChannel = inRange.GroupBy(a => a.Channel ?? DefaultChannel, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new BacktestResult(inRange, perChannel, eventsScanned, truncated);
    }

    // The schedule's ticks strictly before `until`, as the live timer or reminder would have run them.
    private void TickUntil(string accountId, Account account, DateTimeOffset until)
    {
        if (_rules.TimeBased.Length == 0)
        {
            return;
        }

        while (account.NextTick < until)
        {
            Collect(RuleRunner.EvaluateScheduled(account.State, _rules, _workspace, accountId, account.NextTick));
            account.NextTick += _tick;
        }
    }

    /// <summary>The schedule's first tick after <paramref name="after"/>: ticks fall on multiples of <paramref name="tick"/> since the Unix epoch.</summary>
    internal static DateTimeOffset NextTick(DateTimeOffset after, TimeSpan tick)
    {
        var ticks = tick.Ticks;
        var sinceEpoch = (after - DateTimeOffset.UnixEpoch).Ticks;
        return DateTimeOffset.UnixEpoch.AddTicks(((sinceEpoch / ticks) + 1) * ticks);
    }

    private void Collect(List<Alert>? fired)
    {
        if (fired is not null)
        {
            _alerts.AddRange(fired);
        }
    }

    private sealed class Account(AccountState state, DateTimeOffset nextTick)
    {
        public AccountState State { get; } = state;

        public DateTimeOffset NextTick { get; set; } = nextTick;
    }
}
