using System.Globalization;
using System.Text.RegularExpressions;

namespace IngestLayer.Slack;

/// <summary>
/// Brings any message within <see cref="BlockKitLimits"/> just before it is posted, whichever renderer made it (a single
/// alert, a channel digest, an owner's digest, a pipeline's template, an operator notice): over-long texts are cut
/// (<see cref="SlackMarkup.TruncateMrkdwn"/>), and blocks, fields or context elements beyond the counts or the total text
/// budget are left out and summed up in one closing "…and N more" line. A renderer's own "…and N more" line is merged
/// into it, so the reader sees one count. A message within the limits is returned as it is.
/// </summary>
public static partial class SlackMessageLimiter
{
    // The closing "…and N more" context block: one block and a few characters, reserved whenever something is left out.
    private const int MoreLineRoom = 40;

    // Below this a partly fitting section is not worth showing cut; it is left out and counted instead.
    private const int MinPartialText = 200;

    /// <summary>The message within every limit; the same instance when it already was.</summary>
    public static SlackMessage Fit(SlackMessage message)
    {
        var dropped = 0;
        var rendererDropped = 0;
        ContextBlock? rendererMore = null;
        var blocks = new List<SlackBlock>(message.Blocks.Count);
        foreach (var block in message.Blocks)
        {
            if (MoreCount(block) is { } count)
            {
                // A renderer's own summary: its count joins whatever is left out here, in one line at the end.
                dropped += count;
                rendererDropped += count;
                rendererMore = (ContextBlock)block;
                continue;
            }

            blocks.Add(FitBlock(block, ref dropped));
        }

        var text = SlackMarkup.TruncateMrkdwn(message.Text, BlockKitLimits.FallbackText);
        if (dropped == 0 && blocks.Count <= BlockKitLimits.BlocksPerMessage && TotalText(blocks) <= BlockKitLimits.TotalBlockText)
        {
            return text == message.Text && blocks.SequenceEqual(message.Blocks) ? message : message with { Text = text, Blocks = blocks };
        }

        // Something is left out (or a renderer said so): keep room for the closing line, and keep what closes the
        // message after it: an alert's context (signal and time) and its buttons.
        var footer = new List<SlackBlock>();
        while (blocks.Count > 1 && footer.Count < 2 && blocks[^1] is ContextBlock or ActionsBlock)
        {
            footer.Insert(0, blocks[^1]);
            blocks.RemoveAt(blocks.Count - 1);
        }

        var maxBlocks = BlockKitLimits.BlocksPerMessage - 1 - footer.Count;
        var room = BlockKitLimits.TotalBlockText - MoreLineRoom - TotalText(footer);
        var kept = new List<SlackBlock>(Math.Min(blocks.Count, maxBlocks) + 2);
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            var length = TextLength(block);
            if (kept.Count < maxBlocks && length <= room)
            {
                kept.Add(block);
                room -= length;
                continue;
            }

            // The first block that does not fit: show what of it fits, and count the rest as left out.
            if (kept.Count < maxBlocks && Partial(block, room, ref dropped) is { } partial)
            {
                kept.Add(partial);
            }
            else
            {
                dropped += Items(block);
            }

            for (var j = i + 1; j < blocks.Count; j++)
            {
                dropped += Items(blocks[j]);
            }

            break;
        }

        if (dropped > 0)
        {
            // The renderer's own words ("…and 3 more accounts (5 signals)") when nothing more was left out here.
            kept.Add(rendererMore is not null && dropped == rendererDropped ? rendererMore : new ContextBlock([SlackText.Mrkdwn(MoreLine(dropped))]));
        }

        kept.AddRange(footer);

        return message with { Text = text, Blocks = kept };
    }

    /// <summary>The text of <paramref name="blocks"/> as Slack counts it for its total: every text object's characters.</summary>
    public static int TotalText(IEnumerable<SlackBlock> blocks) => blocks.Sum(TextLength);

    /// <summary>"…and 3 more".</summary>
    public static string MoreLine(int count) => $"…and {count.ToString(CultureInfo.InvariantCulture)} more";

    private static int TextLength(SlackBlock block) => block switch
    {
        HeaderBlock header => header.Text.Text.Length,
        SectionBlock section => (section.Text?.Text.Length ?? 0) + (section.Fields?.Sum(f => f.Text.Length) ?? 0),
        ContextBlock context => context.Elements.Sum(e => e.Text.Length),
        ActionsBlock actions => actions.Elements.Sum(e => e.Text.Text.Length),
        _ => 0,
    };

    // What a left-out block counts as in "…and N more": each of its fields, else the block itself (a digest line).
    private static int Items(SlackBlock block) => block is SectionBlock { Fields.Count: > 0 } section ? section.Fields.Count : 1;

    private static SlackBlock FitBlock(SlackBlock block, ref int dropped)
    {
        switch (block)
        {
            case HeaderBlock header when header.Text.Text.Length > BlockKitLimits.HeaderText:
                return new HeaderBlock(header.Text with { Text = Cut(header.Text, BlockKitLimits.HeaderText) });
            case SectionBlock section:
                var text = section.Text is { } t && t.Text.Length > BlockKitLimits.SectionText ? t with { Text = Cut(t, BlockKitLimits.SectionText) } : section.Text;
                var fields = section.Fields;
                if (fields is not null && (fields.Count > BlockKitLimits.SectionFields || fields.Any(f => f.Text.Length > BlockKitLimits.FieldText)))
                {
                    dropped += Math.Max(0, fields.Count - BlockKitLimits.SectionFields);
                    fields = [.. fields.Take(BlockKitLimits.SectionFields).Select(f => f.Text.Length > BlockKitLimits.FieldText ? f with { Text = Cut(f, BlockKitLimits.FieldText) } : f)];
                }

                return ReferenceEquals(text, section.Text) && ReferenceEquals(fields, section.Fields) ? section : new SectionBlock(text, fields);
            case ContextBlock context when context.Elements.Count > BlockKitLimits.ContextElements || context.Elements.Any(e => e.Text.Length > BlockKitLimits.SectionText):
                dropped += Math.Max(0, context.Elements.Count - BlockKitLimits.ContextElements);
                return new ContextBlock([.. context.Elements.Take(BlockKitLimits.ContextElements)
                    .Select(e => e.Text.Length > BlockKitLimits.SectionText ? e with { Text = Cut(e, BlockKitLimits.SectionText) } : e)]);
            default:
                return block;
        }
    }

    // The part of a block that fits in room characters: a section's text cut shorter, or its first fields.
    private static SectionBlock? Partial(SlackBlock block, int room, ref int dropped)
    {
        if (block is not SectionBlock section)
        {
            return null;
        }

        if (section.Fields is not { Count: > 0 } fields)
        {
            return section.Text is { } text && room >= MinPartialText ? new SectionBlock(text with { Text = Cut(text, room) }) : null;
        }

        // Fields are short facts: whole ones or none, after the section's text if that fits.
        var textLength = section.Text?.Text.Length ?? 0;
        if (textLength > room)
        {
            return null;
        }

        var left = room - textLength;
        var taken = fields.TakeWhile(f => (left -= f.Text.Length) >= 0).ToList();
        if (taken.Count == 0)
        {
            return null;
        }

        dropped += fields.Count - taken.Count;
        return new SectionBlock(section.Text, taken);
    }

    private static string Cut(SlackText text, int maxLength) =>
        text.Type == "mrkdwn" ? SlackMarkup.TruncateMrkdwn(text.Text, maxLength) : SlackMarkup.Truncate(text.Text, maxLength);

    // A renderer's closing summary ("…and 12 more", "…and 3 more accounts (5 signals)"): the number it left out.
    private static int? MoreCount(SlackBlock block) =>
        block is ContextBlock { Elements: [{ Text: var text }] } && MoreLinePattern().Match(text) is { Success: true } match
            ? int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture)
            : null;

    [GeneratedRegex(@"^…and (\d{1,9}) more\b")]
    private static partial Regex MoreLinePattern();
}
