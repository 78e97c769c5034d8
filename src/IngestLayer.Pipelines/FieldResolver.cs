using System.Diagnostics.CodeAnalysis;

namespace IngestLayer.Pipelines;

/// <summary>
/// Turns a field path (<c>feature</c>, <c>properties.$current_url</c>, <c>account.plan</c>) into a <see cref="Field"/>,
/// or says why it is not one. Shared by filters and templates so both know the same fields.
/// </summary>
internal static class FieldResolver
{
    public const string Roots = "event, name, feature, kind, user_id, account_id, timestamp, properties.<key>, traits.<name>, user.<field> or account.<field>";
    public const string AccountFields = "id, name, plan, owner, owner_channel, health or traits.<name>";

    private static readonly string[] KindNames = [.. Enum.GetNames<Contracts.EventKind>().Select(n => n.ToLowerInvariant())];

    /// <summary>Resolves <paramref name="path"/>; <paramref name="problem"/> is a description and a hint, to be placed around a location.</summary>
    public static bool TryResolve(string path, [NotNullWhen(true)] out Field? field, [NotNullWhen(false)] out FieldProblem? problem)
    {
        field = Resolve(path, out problem);
        return field is not null;
    }

    private static Field? Resolve(string path, out FieldProblem? problem)
    {
        problem = null;
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        var root = dot < 0 ? path : path[..dot];
        var rest = dot < 0 ? null : path[(dot + 1)..];
        switch (root)
        {
            case "event" when rest is null:
            case "name" when rest is null:
                return new TextField(path, c => c.Event.Name, untyped: false);
            case "event" when rest!.Split('.')[0] is not ("event" or "user" or "account"):
                // event.x is x: templates write $event.feature, and filters may too.
                var inner = Resolve(rest, out problem);
                if (inner is null)
                {
                    problem = problem! with { Description = problem.Description.Replace($"\"{rest}", $"\"{path}", StringComparison.Ordinal) };
                }

                return inner;
            case "feature" when rest is null:
                return new TextField(path, c => c.Event.Feature, untyped: false);
            case "kind" when rest is null:
                return new TextField(path, c => KindNames[(int)c.Event.Kind], untyped: false, KindNames);
            case "user_id" when rest is null:
                return new TextField(path, c => c.Event.UserId, untyped: false);
            case "account_id" when rest is null:
                return new TextField(path, c => c.Event.AccountId, untyped: false);
            case "timestamp" when rest is null:
                return new TimestampField(path);
            case "properties" or "traits" when rest is null:
                problem = new($"field \"{path}\" needs a key", $"for example {path}.{(root == "traits" ? "plan" : "url")}");
                return null;
            case "properties":
                return new PropertyField(path, rest!.Split('.'));
            case "traits":
                return new TextField(path, c => Trait(c.Event.Traits, rest!), untyped: true);
            case "user":
                return User(path, rest, out problem);
            case "account":
                return Account(path, rest, out problem);
            default:
                return Unknown(path, out problem);
        }
    }

    private static Field? User(string path, string? rest, out FieldProblem? problem)
    {
        problem = null;
        switch (rest)
        {
            case null or "traits":
                problem = new($"field \"{path}\" needs a name", "for example user.email or user.traits.role");
                return null;
            case "id":
                return new TextField(path, c => c.User?.Id ?? c.Event.UserId, untyped: false);
            case "email":
                return new TextField(path, c => c.User?.Email, untyped: false);
            case "name":
                return new TextField(path, c => c.User?.Name, untyped: false);
            default:
                // user.role is the trait role, as is user.traits.role (the longer form reaches traits named id, email or name).
                var trait = rest.StartsWith("traits.", StringComparison.Ordinal) ? rest["traits.".Length..] : rest;
                return new TextField(path, c => Trait(c.User?.Traits, trait), untyped: true);
        }
    }

    private static Field? Account(string path, string? rest, out FieldProblem? problem)
    {
        problem = null;
        switch (rest)
        {
            case null or "traits":
                problem = new($"field \"{path}\" needs a name", "for example account.plan or account.traits.region");
                return null;
            case "id":
                return new TextField(path, c => c.Account?.Id ?? c.Event.AccountId, untyped: false);
            case "name":
                return new TextField(path, c => c.Account?.Name, untyped: false);
            case "plan":
                return new TextField(path, c => c.Account?.Plan, untyped: false);
            case "owner":
                return new TextField(path, c => c.Account?.Owner, untyped: false);
            case "owner_channel":
                return new TextField(path, c => c.Account?.OwnerChannel, untyped: false);
            case "health":
                return new NumberField(path, c => c.Account?.Health);
            case not null when rest.StartsWith("traits.", StringComparison.Ordinal):
                var trait = rest["traits.".Length..];
                return new TextField(path, c => Trait(c.Account?.Traits, trait), untyped: true);
            default:
                // Unlike user, a bare account.x is not a trait: account fields are few and a typo should not match nothing silently.
                problem = new($"unknown account field \"{rest}\"", $"account has {AccountFields}");
                return null;
        }
    }

    private static Field? Unknown(string path, out FieldProblem? problem)
    {
        problem = new($"unknown field \"{path}\"", $"fields are {Roots}");
        return null;
    }

    private static string? Trait(IReadOnlyDictionary<string, string>? traits, string name) =>
        traits is not null && traits.TryGetValue(name, out var value) ? value : null;
}

/// <summary>Why a path is not a field: "<see cref="Description"/> at column N; <see cref="Hint"/>".</summary>
internal sealed record FieldProblem(string Description, string Hint)
{
    public string At(int column) => $"{Description} at column {column}; {Hint}";
}
