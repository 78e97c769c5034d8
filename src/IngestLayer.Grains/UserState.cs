using IngestLayer.Contracts;
using IngestLayer.Grains.Counters;

namespace IngestLayer.Grains;

/// <summary>Everything a user grain knows, folded from its events and aggregated activity.</summary>
[GenerateSerializer, Alias("IngestLayer.UserState")]
public sealed class UserState
{
    public const int MaxAccounts = 100;
    public const int MaxTraits = 100;

    [Id(0)] public string? Email { get; set; }
    [Id(1)] public string? Name { get; set; }
    [Id(2)] public Dictionary<string, string> Traits { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Accounts the user belongs to, least recently confirmed first; the last one is current.</summary>
    [Id(3)] public List<string> Accounts { get; set; } = [];
    [Id(4)] public CounterSet Features { get; set; } = new();
    [Id(5)] public CounterSet Events { get; set; } = new();
    [Id(6)] public DateTimeOffset? FirstSeen { get; set; }
    [Id(7)] public DateTimeOffset? LastSeen { get; set; }
    [Id(8)] public long EventsApplied { get; set; }
    [Id(9)] public List<string> PreviousIds { get; set; } = [];
    /// <summary>Log positions applied (durable mode), so a redelivered event is not counted twice.</summary>
    [Id(10)] public AppliedPositions Applied { get; set; } = new();

    public string? CurrentAccount => Accounts.Count == 0 ? null : Accounts[^1];

    /// <summary>Folds one event in and returns the account it is attributed to.</summary>
    public string? Apply(IngestEvent e, DateTimeOffset now)
    {
        EventsApplied++;
        switch (e.Kind)
        {
            case EventKind.Identify:
                ApplyTraits(e.Traits);
                break;
            case EventKind.Group when e.AccountId is not null:
                JoinAccount(e.AccountId);
                break;
            case EventKind.Alias when e.PreviousId is not null && !PreviousIds.Contains(e.PreviousId):
                PreviousIds.Add(e.PreviousId);
                break;
        }

        if (!e.IsActivity)
        {
            return e.AccountId;
        }

        if (e.AccountId is not null)
        {
            JoinAccount(e.AccountId);
        }

        FirstSeen = FirstSeen is { } first && first <= e.Timestamp ? first : e.Timestamp;
        LastSeen = LastSeen is { } last && last >= e.Timestamp ? last : e.Timestamp;
        var at = TimeBuckets.Of(e.Timestamp);
        var nowBuckets = TimeBuckets.Of(now);
        Events.Add(e.Name, at, 1, nowBuckets);
        if (e.Feature is not null)
        {
            Features.Add(e.Feature, at, e.Count, nowBuckets);
        }

        return e.AccountId ?? CurrentAccount;
    }

    /// <summary>Folds in activity the gateway aggregated (see <see cref="UserActivity"/>).</summary>
    public void Apply(UserActivity activity, DateTimeOffset now)
    {
        EventsApplied += activity.Events;
        foreach (var account in activity.Accounts)
        {
            JoinAccount(account);
        }

        var nowBuckets = TimeBuckets.Of(now);
        foreach (var u in activity.Usage)
        {
            var at = TimeBuckets.Of(DateTimeOffset.FromUnixTimeSeconds(u.Minute * 60));
            Events.Add(u.Name, at, u.Events, nowBuckets);
            if (u.Feature is not null)
            {
                Features.Add(u.Feature, at, u.Uses, nowBuckets);
            }
        }

        if (activity.Events > 0)
        {
            FirstSeen = FirstSeen is { } first && first <= activity.FirstSeen ? first : activity.FirstSeen;
            LastSeen = LastSeen is { } last && last >= activity.LastSeen ? last : activity.LastSeen;
        }
    }

    private void JoinAccount(string accountId)
    {
        if (CurrentAccount == accountId)
        {
            return;
        }

        Accounts.Remove(accountId);
        Accounts.Add(accountId);
        if (Accounts.Count > MaxAccounts)
        {
            Accounts.RemoveAt(0);
        }
    }

    private void ApplyTraits(IReadOnlyDictionary<string, string>? traits)
    {
        if (traits is null)
        {
            return;
        }

        foreach (var (key, value) in traits)
        {
            if (Traits.Count < MaxTraits || Traits.ContainsKey(key))
            {
                Traits[key] = value;
            }

            switch (key)
            {
                case "email": Email = value; break;
                case "name": Name = value; break;
            }
        }
    }
}
