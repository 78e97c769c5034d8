namespace IngestLayer.Gateway.SlackApp;

/// <summary>The known account ids closest to a mistyped one: same letters in other case, a prefix, a part, or a few typos away.</summary>
public static class AccountSuggestions
{
    public const int Max = 3;

    public static IReadOnlyList<string> Closest(string typed, IEnumerable<string> known)
    {
        var wanted = typed.ToLowerInvariant();
        return known
            .Select(id => (Id: id, Rank: Rank(wanted, id.ToLowerInvariant())))
            .Where(x => x.Rank < int.MaxValue)
            .OrderBy(x => x.Rank)
            .ThenBy(x => x.Id, StringComparer.Ordinal)
            .Take(Max)
            .Select(x => x.Id)
            .ToList();
    }

    // Lower is closer; int.MaxValue is "not a suggestion".
    private static int Rank(string wanted, string id)
    {
        if (id == wanted)
        {
            return 0;
        }

        if (id.StartsWith(wanted, StringComparison.Ordinal) || wanted.StartsWith(id, StringComparison.Ordinal))
        {
            return 1;
        }

        if (wanted.Length >= 3 && id.Contains(wanted, StringComparison.Ordinal))
        {
            return 2;
        }

        // Up to one typo per four characters (at least one): "acme" finds "acne", not "xyz".
        var allowed = Math.Max(1, wanted.Length / 4);
        var distance = Distance(wanted, id, allowed);
        return distance <= allowed ? 2 + distance : int.MaxValue;
    }

    // Levenshtein distance, giving up (returning more than the limit) as soon as it cannot be within it.
    private static int Distance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit)
        {
            return limit + 1;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var best = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                best = Math.Min(best, current[j]);
            }

            if (best > limit)
            {
                return limit + 1;
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
