using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace IngestLayer.Pipelines.Lists;

/// <summary>
/// The values read from a named-list upload, or why the upload was refused (then <see cref="Values"/> is empty);
/// <see cref="Column"/> is the header of the column the values came from, null when the file had no header.
/// </summary>
public sealed record NamedListCsvResult(IReadOnlyList<string> Values, string? Column, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Reads a named list from CSV: the distinct, trimmed, non-empty values of one column, in file order. A first
/// row with a cell named <c>id</c>, <c>account_id</c>, <c>user_id</c> or <c>email</c> is a header and picks that
/// column; otherwise there is no header and the first column is read from the first row on.
/// </summary>
public static class NamedListCsv
{
    public const long DefaultMaxBytes = 10 * 1024 * 1024;
    public const int DefaultMaxValues = 1_000_000;
    public const int MaxValueLength = 512;

    private static readonly string[] HeaderNames = ["id", "account_id", "user_id", "email"];

    public static NamedListCsvResult Parse(Stream csv, long maxBytes = DefaultMaxBytes, int maxValues = DefaultMaxValues)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = csv.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return Refused($"the file is larger than {maxBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return Parse(new UTF8Encoding(false).GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF'), maxBytes, maxValues);
    }

    public static NamedListCsvResult Parse(string csv, long maxBytes = DefaultMaxBytes, int maxValues = DefaultMaxValues)
    {
        if (Encoding.UTF8.GetByteCount(csv) > maxBytes)
        {
            return Refused($"the file is larger than {maxBytes} bytes");
        }

        var badData = false;
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false,
            TrimOptions = TrimOptions.Trim,
            IgnoreBlankLines = true,
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
            BadDataFound = _ => badData = true,
        };
        using var reader = new CsvReader(new StringReader(csv), config);
        var values = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var column = 0;
        string? header = null;
        var first = true;
        while (reader.Read())
        {
            // CsvHelper reports bad data when a row's fields are read, not when the row is: read them first.
            var line = reader.Parser.RawRow;

            // CsvHelper parses fields when they are read, so bad data is known only after this.
            var fields = reader.Parser.Record ?? [];
            if (badData)
            {
                return Refused($"line {line}: malformed CSV (a stray or unbalanced quote)");
            }

            if (first)
            {
                first = false;
                var named = Array.FindIndex(fields, f => HeaderNames.Contains(f.Trim().ToLowerInvariant()));
                if (named >= 0)
                {
                    column = named;
                    header = fields[named].Trim();
                    continue;
                }
            }

            var value = column < fields.Length ? fields[column].Trim() : "";
            if (value.Length == 0)
            {
                continue;
            }

            if (value.Length > MaxValueLength)
            {
                return Refused($"line {line}: a value is longer than {MaxValueLength} characters");
            }

            if (seen.Add(value))
            {
                if (values.Count == maxValues)
                {
                    return Refused($"more than {maxValues} distinct values");
                }

                values.Add(value);
            }
        }

        return values.Count == 0
            ? Refused(header is null ? "the file has no values" : $"the file has no values under \"{header}\"")
            : new NamedListCsvResult(values, header, null);
    }

    private static NamedListCsvResult Refused(string error) => new([], null, error);
}
