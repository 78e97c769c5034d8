using System.Text;

namespace IngestLayer.Slack;

/// <summary>Escaping and length-safe truncation for text sent to Slack.</summary>
public static class SlackMarkup
{
    private const string Ellipsis = "…";

    /// <summary>
    /// Escapes the three characters Slack treats as control characters in <c>mrkdwn</c> (<c>&amp;</c>,
    /// <c>&lt;</c>, <c>&gt;</c>), so a user value cannot open a link or ping <c>@channel</c>; truncates the
    /// result to <paramref name="maxLength"/> without cutting an escape sequence or a surrogate pair.
    /// </summary>
    public static string EscapeMrkdwn(string? value, int maxLength = int.MaxValue)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var escaped = new StringBuilder(value.Length + 16);
        for (var i = 0; i < value.Length; i++)
        {
            var piece = value[i] switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                _ => null,
            };
            var pieceLength = piece?.Length ?? (char.IsHighSurrogate(value[i]) && i + 1 < value.Length ? 2 : 1);

            // Stop where the rest would not fit; keep one character for the ellipsis unless this is the end.
            var isLast = i + pieceLength >= value.Length;
            if (escaped.Length + pieceLength > maxLength - (isLast ? 0 : 1))
            {
                return escaped.Append(Ellipsis).ToString();
            }

            if (piece is not null)
            {
                escaped.Append(piece);
            }
            else
            {
                escaped.Append(value, i, pieceLength);
                i += pieceLength - 1;
            }
        }

        return escaped.ToString();
    }

    /// <summary>Truncates plain text to <paramref name="maxLength"/> characters, ending with an ellipsis, without splitting a surrogate pair.</summary>
    public static string Truncate(string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value) || value.Length <= maxLength)
        {
            return value ?? "";
        }

        return maxLength < 1 ? "" : CutAt(value, TextCut(value, maxLength));
    }

    /// <summary>
    /// Cuts <c>mrkdwn</c> text that is already escaped to at most <paramref name="maxLength"/> characters, ending with an
    /// ellipsis. The cut never splits a surrogate pair, an entity (<c>&amp;amp;</c>) or a link, mention or date
    /// (<c>&lt;url|text&gt;</c>): it moves back to before it, so Slack never sees half of one.
    /// </summary>
    public static string TruncateMrkdwn(string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value) || value.Length <= maxLength)
        {
            return value ?? "";
        }

        if (maxLength < 1)
        {
            return "";
        }

        var cut = TextCut(value, maxLength);

        // An entity is at most "&amp;": an '&' among the last few characters without its ';' before the cut is cut in half.
        var amp = cut == 0 ? -1 : value.LastIndexOf('&', cut - 1, Math.Min(cut, 5));
        if (amp >= 0 && value.IndexOf(';', amp, cut - amp) < 0)
        {
            cut = amp;
        }

        // User values are escaped, so a raw '<' opens markup (<url|text>, <!date^…>, <@U123>) that must stay whole.
        var open = cut == 0 ? -1 : value.LastIndexOf('<', cut - 1);
        if (open >= 0 && value.LastIndexOf('>', cut - 1) < open)
        {
            cut = open;
        }

        return CutAt(value, cut);
    }

    // Where text cut to at most maxLength characters, the ellipsis included, ends: never between a surrogate pair.
    private static int TextCut(string value, int maxLength)
    {
        var cut = maxLength - 1;
        if (cut > 0 && char.IsHighSurrogate(value[cut - 1]))
        {
            cut--;
        }

        return cut;
    }

    private static string CutAt(string value, int cut) => string.Concat(value.AsSpan(0, cut), Ellipsis);
}
