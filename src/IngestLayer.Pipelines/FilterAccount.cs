using IngestLayer.Contracts;

namespace IngestLayer.Pipelines;

/// <summary>
/// The account an event belongs to, as the pipeline runtime enriched it (from the account grain and the book of
/// business). <c>account.id</c> falls back to the event's own account id when <see cref="Id"/> is null;
/// <see cref="OwnerChannel"/> is the owner's Slack channel, <see cref="Health"/> the health score (0-100) when
/// known, <see cref="Traits"/> the string traits of group calls (<c>account.traits.x</c>).
/// </summary>
public sealed record FilterAccount(
    string? Id,
    string? Name,
    string? Plan,
    string? Owner,
    string? OwnerChannel,
    int? Health = null,
    IReadOnlyDictionary<string, string>? Traits = null)
{
    public static FilterAccount From(AccountSnapshot account) => new(
        account.AccountId,
        account.Profile.Name,
        account.Profile.Plan,
        account.Profile.Owner,
        account.Profile.SlackChannel,
        account.Health?.Score,
        account.Profile.Traits);
}
