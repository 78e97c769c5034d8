using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using IngestLayer.Contracts;

namespace IngestLayer.Grains.Signals;

/// <summary>
/// The first expansion and risk signals, evaluated on an account's state. Pure functions of the state,
/// the options and the clock, so they are tested without a cluster.
/// </summary>
public static class AccountSignals
{
    /// <summary>
    /// Re-arms signals whose condition stopped holding with the passage of time alone (a quiet window),
    /// so that the batch about to be applied can cross them again.
    /// </summary>
    public static void Rearm(AccountState state, SignalOptions options, DateTimeOffset now)
    {
        if (!PaidFeatureCondition(state, options, now))
        {
            state.Latch(SignalNames.PaidFeatureOnFreePlan).Evaluate(false, now, options.Cooldown);
        }

        if (state.Billing.Status != BillingStatus.PaymentFailed)
        {
            state.Latch(SignalNames.PaymentFailed).Evaluate(false, now, options.Cooldown);
        }
    }

    /// <summary>
    /// The signal an event can move, if any: a paid-feature use or a group call that sets the plan can
    /// raise <c>paid_feature_on_free_plan</c>; a failed invoice payment raises <c>payment_failed</c>.
    /// The account grain evaluates the signal right after applying such an event (<see cref="EvaluateOne"/>).
    /// </summary>
    public static string? SignalMovedBy(IngestEvent e, SignalOptions options)
    {
        if (options.IsPaidFeature(e.Feature) || (e.Kind == EventKind.Group && e.Traits?.ContainsKey("plan") == true))
        {
            return SignalNames.PaidFeatureOnFreePlan;
        }

        return string.Equals(e.Name, BillingEvents.InvoicePaymentFailed, StringComparison.OrdinalIgnoreCase) ? SignalNames.PaymentFailed : null;
    }

    /// <summary>
    /// Evaluates every signal after a batch; returns the alerts that fire now. <c>trigger</c> holds, by
    /// signal name, the batch's event that most recently moved that signal.
    /// </summary>
    public static IReadOnlyList<Alert> Evaluate(
        AccountState state,
        SignalOptions options,
        string workspace,
        string accountId,
        IReadOnlyDictionary<string, IngestEvent> trigger,
        DateTimeOffset now)
    {
        var alerts = new List<Alert>(0);
        foreach (var signal in (ReadOnlySpan<string>)[SignalNames.PaidFeatureOnFreePlan, SignalNames.PaymentFailed])
        {
            if (EvaluateOne(state, options, workspace, accountId, signal, trigger.GetValueOrDefault(signal), now) is { } alert)
            {
                alerts.Add(alert);
            }
        }

        return alerts;
    }

    /// <summary>
    /// Evaluates one signal; returns its alert if it fires now, named after <paramref name="trigger"/>.
    /// Without a trigger the latch still moves (a crossing nothing in the batch caused fires nothing).
    /// The account grain calls this right after each event that moves the signal, so the alert is named
    /// after the very event that crossed it, whatever the batch boundaries: a replay after a crash names the
    /// same alert, and the outbox drops it as a duplicate.
    /// </summary>
    public static Alert? EvaluateOne(
        AccountState state,
        SignalOptions options,
        string workspace,
        string accountId,
        string signal,
        IngestEvent? trigger,
        DateTimeOffset now)
    {
        if (signal == SignalNames.PaidFeatureOnFreePlan)
        {
            var paid = PaidFeatureCondition(state, options, now);
            return state.Latch(signal).Evaluate(paid, now, options.Cooldown) && trigger is not null
                ? PaidFeatureAlert(state, options, workspace, accountId, trigger, now)
                : null;
        }

        var failed = state.Billing.Status == BillingStatus.PaymentFailed;
        return state.Latch(signal).Evaluate(failed, now, options.Cooldown) && trigger is not null
            ? PaymentFailedAlert(state, workspace, accountId, trigger, now)
            : null;
    }

    private static bool PaidFeatureCondition(AccountState state, SignalOptions options, DateTimeOffset now)
    {
        if (!options.IsFreePlan(state.Plan))
        {
            return false;
        }

        var hours = (int)Math.Ceiling(options.PaidFeatureWindow.TotalHours);
        foreach (var feature in options.PaidFeatures)
        {
            if (state.Features.Get(feature) is { } counter && counter.LastHours(now, hours) > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static Alert PaidFeatureAlert(AccountState state, SignalOptions options, string workspace, string accountId, IngestEvent trigger, DateTimeOffset now)
    {
        var hours = (int)Math.Ceiling(options.PaidFeatureWindow.TotalHours);
        var used = options.PaidFeatures
            .Select(f => (Feature: f, Counter: state.Features.Get(f)))
            .Where(f => f.Counter is not null && f.Counter.LastHours(now, hours) > 0)
            .Select(f => (f.Feature, Window: f.Counter!.LastHours(now, hours), Counts: f.Counter.Counts(now)))
            .OrderByDescending(f => f.Window)
            .ToList();
        var main = used.FirstOrDefault(f => string.Equals(f.Feature, trigger.Feature, StringComparison.OrdinalIgnoreCase));
        if (main.Feature is null)
        {
            main = used[0];
        }

        var evidence = new List<EvidenceItem> { new("Plan", state.Plan ?? "unknown") };
        foreach (var f in used)
        {
            evidence.Add(new($"{f.Feature} uses", $"{f.Window} in {hours}h · {f.Counts.Last7Days} in 7d · {f.Counts.Last28Days} in 28d"));
        }

        evidence.Add(new("Used by", trigger.UserKey));
        evidence.Add(new("Active users (7d)", state.ActiveUsers.Count(now, 7).ToString(CultureInfo.InvariantCulture)));

        var others = used.Count > 1 ? $" (and {used.Count - 1} other paid feature{(used.Count > 2 ? "s" : "")})" : "";
        return NewAlert(state, workspace, accountId, SignalNames.PaidFeatureOnFreePlan, trigger, now) with
        {
            Category = SignalNames.Expansion,
            Severity = "info",
            Title = "Expansion: free plan using a paid feature",
            Subject = main.Feature,
            Explanation = $"{Display(state, accountId)} is on the {state.Plan} plan and used the paid feature {main.Feature} {Times(main.Window)} in the last {hours}h{others}.",
            Evidence = evidence,
        };
    }

    private static Alert PaymentFailedAlert(AccountState state, string workspace, string accountId, IngestEvent trigger, DateTimeOffset now)
    {
        var failures = state.Events.Get(trigger.Name)?.Counts(now).Last28Days ?? 1;
        var evidence = new List<EvidenceItem>
        {
            new("Billing status", state.Billing.Status),
            new("Failed payments (28d)", failures.ToString(CultureInfo.InvariantCulture)),
        };
        if (state.Billing.LastFailedAmount is { } amount)
        {
            evidence.Add(new("Amount", amount));
        }

        evidence.Add(new("Last successful payment", state.Billing.LastPaidAt?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none seen"));
        evidence.Add(new("Plan", state.Plan ?? "unknown"));
        evidence.Add(new("Active users (7d)", state.ActiveUsers.Count(now, 7).ToString(CultureInfo.InvariantCulture)));

        return NewAlert(state, workspace, accountId, SignalNames.PaymentFailed, trigger, now) with
        {
            Category = SignalNames.Risk,
            Severity = "critical",
            Title = "Risk: invoice payment failed",
            Subject = trigger.Name,
            Explanation = $"{Display(state, accountId)} had an invoice payment fail ({Times(failures, "failure")} in the last 28 days); billing is now {state.Billing.Status}.",
            Evidence = evidence,
        };
    }

    private static Alert NewAlert(AccountState state, string workspace, string accountId, string signal, IngestEvent trigger, DateTimeOffset now) => new()
    {
        AlertId = AlertId(workspace, accountId, signal, trigger),
        Workspace = workspace,
        AccountId = accountId,
        AccountName = state.Name,
        Signal = signal,
        Plan = state.Plan,
        Owner = state.Owner,
        Channel = state.SlackChannel,
        FiredAt = now,
    };

    /// <summary>Deterministic: the same triggering event always yields the same id, so a replay cannot send twice.</summary>
    public static string AlertId(string workspace, string accountId, string signal, IngestEvent trigger)
    {
        var key = string.Join('\n', workspace, accountId, signal, trigger.Source, trigger.MessageId);
        return "al_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 12));
    }

    private static string Display(AccountState state, string accountId) =>
        state.Name is { Length: > 0 } name && name != accountId ? $"{name} ({accountId})" : accountId;

    private static string Times(long n, string unit = "time") => n == 1 ? $"1 {unit}" : $"{n} {unit}s";
}
