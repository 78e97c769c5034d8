namespace IngestLayer.Slack;

/// <summary>
/// Slack's Block Kit and message limits. A message over a per-block limit is rejected with <c>invalid_blocks</c>, one
/// whose blocks hold too much text in total with <c>msg_blocks_too_long</c>; <see cref="SlackMessageLimiter"/> keeps
/// every posted message within them.
/// </summary>
public static class BlockKitLimits
{
    /// <summary>A header block's <c>plain_text</c>.</summary>
    public const int HeaderText = 150;

    /// <summary>A section's text, and any text object's (a context element's).</summary>
    public const int SectionText = 3000;

    public const int SectionFields = 10;
    public const int FieldText = 2000;
    public const int ContextElements = 10;
    public const int BlocksPerMessage = 50;

    /// <summary>
    /// The text of all blocks together. Slack documents no number; posts start failing with <c>msg_blocks_too_long</c>
    /// at about 13,000 characters (a bit less with more blocks), so this keeps a margin below that.
    /// </summary>
    public const int TotalBlockText = 12_000;

    /// <summary>
    /// The top-level <c>text</c> (the notification and fallback). Slack truncates it at 40,000 characters, but a
    /// notification shows a line or two: the limiter keeps it to a section's length.
    /// </summary>
    public const int FallbackText = 3000;
}
