namespace IngestLayer.Pipelines.Runtime;

/// <summary>
/// One <c>match</c> entry of a pipeline: an event name, where <c>*</c> stands for any text (also none) and <c>?</c>
/// for any one character; everything else, dots and spaces included, is literal and case-sensitive.
/// </summary>
public sealed class EventNamePattern(string pattern)
{
    public string Pattern { get; } = pattern;

    /// <summary>Whether the pattern has no wildcard, so a dictionary look-up can stand for it.</summary>
    public bool IsExact { get; } = pattern.AsSpan().IndexOfAny('*', '?') < 0;

    public bool Matches(string name) => IsExact ? string.Equals(Pattern, name, StringComparison.Ordinal) : Glob(Pattern, name);

    // Iterative wildcard matching with one backtrack point: linear in practice and never exponential, so a hostile
    // pattern such as "*a*a*a*a*b" cannot stall a grain.
    private static bool Glob(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
