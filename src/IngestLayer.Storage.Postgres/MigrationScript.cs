using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IngestLayer.Storage.Postgres;

/// <summary>One ordered schema file, <c>NNNN_name.sql</c>: its version is the number, applied once.</summary>
public sealed record MigrationScript
{
    public MigrationScript(string fileName, string sql)
    {
        var underscore = fileName.IndexOf('_', StringComparison.Ordinal);
        if (!fileName.EndsWith(".sql", StringComparison.Ordinal) || underscore <= 0
            || !int.TryParse(fileName.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new ArgumentException($"Migration file '{fileName}' is not named NNNN_name.sql.", nameof(fileName));
        }
        FileName = fileName;
        Version = version;
        Name = fileName[(underscore + 1)..^".sql".Length];
        Sql = sql;
        Checksum = ChecksumOf(sql);
    }

    public string FileName { get; }
    public int Version { get; }
    public string Name { get; }
    public string Sql { get; }

    /// <summary>SHA-256 of the text with line endings normalised, so a CRLF checkout is not a "changed" file.</summary>
    public string Checksum { get; }

    private static string ChecksumOf(string sql)
    {
        var normalised = sql.Replace("\r\n", "\n", StringComparison.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));
    }
}
