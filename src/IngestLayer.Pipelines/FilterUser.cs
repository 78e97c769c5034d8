using IngestLayer.Contracts;

namespace IngestLayer.Pipelines;

/// <summary>
/// The user an event belongs to, as the pipeline runtime enriched it (from the user grain). <c>user.id</c> falls
/// back to the event's own user id when <see cref="Id"/> is null; traits are <c>user.traits.x</c>, or <c>user.x</c>
/// for a name that is not id, email or name.
/// </summary>
public sealed record FilterUser(string? Id, string? Email, string? Name, IReadOnlyDictionary<string, string>? Traits = null)
{
    public static FilterUser From(UserSnapshot user) => new(user.UserId, user.Email, user.Name, user.Traits);

    public static FilterUser From(UserProfile user) => new(user.UserId, user.Email, user.Name, user.Traits);
}
