using System.Globalization;
using System.Text.RegularExpressions;
using CsvHelper;
using CsvHelper.Configuration;

namespace IngestLayer.Gateway;

/// <summary>One good row of a book-of-business CSV.</summary>
public sealed record OwnerRow(int Line, string AccountId, string Owner, string? SlackChannel);

/// <summary>A bad row, by its line number in the file (the header is line 1).</summary>
public sealed record OwnerRowError(int Line, string Error);

/// <summary>
/// Reads the book of business: a CSV with header <c>account_id,owner,slack_channel</c>. Good rows are
/// returned for applying, bad ones reported by line; a file without that header is refused as a whole.
/// </summary>
public static partial class OwnerCsv
{
    public static readonly string[] Header = ["account_id", "owner", "slack_channel"];

    public static (List<OwnerRow> Rows, List<OwnerRowError> Errors, string? FileError) Read(TextReader text)
    {
        var rows = new List<OwnerRow>();
        var errors = new List<OwnerRowError>();
        var badData = false;
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            TrimOptions = TrimOptions.Trim,
            IgnoreBlankLines = true,
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
            BadDataFound = _ => badData = true,
        };
        using var csv = new CsvReader(text, config);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { } header)
        {
            return (rows, errors, "The file is empty; expected the header account_id,owner,slack_channel.");
        }

        var columns = header.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        if (columns.Length < 2 || columns[0] != Header[0] || columns[1] != Header[1] || (columns.Length > 2 && columns[2] != Header[2]))
        {
            return (rows, errors, $"The header must be account_id,owner,slack_channel; got {string.Join(',', header)}.");
        }

        while (csv.Read())
        {
            var line = csv.Parser.RawRow;

            // CsvHelper parses a row's fields when they are first read, so bad data is known only after this.
            var fields = csv.Parser.Record ?? [];
            if (badData)
            {
                badData = false;
                errors.Add(new OwnerRowError(line, "malformed CSV (a stray or unbalanced quote)"));
                continue;
            }

            var accountId = fields.ElementAtOrDefault(0) ?? "";
            var owner = fields.ElementAtOrDefault(1) ?? "";
            var channel = fields.ElementAtOrDefault(2);
            if (fields.Length > 3)
            {
                errors.Add(new OwnerRowError(line, $"expected 3 fields, got {fields.Length}"));
            }
            else if (accountId.Length is 0 or > 256)
            {
                errors.Add(new OwnerRowError(line, "account_id is required (at most 256 characters)"));
            }
            else if (owner.Length is 0 or > 256)
            {
                errors.Add(new OwnerRowError(line, "owner is required (at most 256 characters)"));
            }
            else if (!string.IsNullOrEmpty(channel) && !ChannelPattern().IsMatch(channel))
            {
                errors.Add(new OwnerRowError(line, $"slack_channel '{channel}' is not a channel name (#name) or id (C0123ABC)"));
            }
            else
            {
                rows.Add(new OwnerRow(line, accountId, owner, string.IsNullOrEmpty(channel) ? null : channel));
            }
        }

        return (rows, errors, null);
    }

    // Slack channel names: lower-case letters, digits, '-', '_' and '.', up to 80; ids start with C, G or D.
    [GeneratedRegex("^(#?[a-z0-9][a-z0-9._-]{0,79}|[CGD][A-Z0-9]{6,})$")]
    private static partial Regex ChannelPattern();
}
