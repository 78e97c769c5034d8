using System.Text.Json.Serialization;

namespace IngestLayer.Slack;

/// <summary>A Block Kit layout block; the subset the alert messages use.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HeaderBlock), "header")]
[JsonDerivedType(typeof(SectionBlock), "section")]
[JsonDerivedType(typeof(ContextBlock), "context")]
[JsonDerivedType(typeof(ActionsBlock), "actions")]
[JsonDerivedType(typeof(DividerBlock), "divider")]
public abstract record SlackBlock;

/// <summary>Large bold text; <see cref="Text"/> must be plain text of at most <see cref="BlockKitLimits.HeaderText"/> characters.</summary>
public sealed record HeaderBlock(SlackText Text) : SlackBlock;

/// <summary>Text, or up to <see cref="BlockKitLimits.SectionFields"/> short fields shown in two columns, or both.</summary>
public sealed record SectionBlock(SlackText? Text = null, IReadOnlyList<SlackText>? Fields = null) : SlackBlock;

/// <summary>Small grey text under the message.</summary>
public sealed record ContextBlock(IReadOnlyList<SlackText> Elements) : SlackBlock;

/// <summary>
/// Interactive elements in a row. <see cref="BlockId"/> names the block so a click's payload (and an update of the
/// message) can find it again.
/// </summary>
public sealed record ActionsBlock(IReadOnlyList<ButtonElement> Elements, string? BlockId = null) : SlackBlock;

/// <summary>A thin line between parts of a message.</summary>
public sealed record DividerBlock : SlackBlock;

/// <summary>
/// A button. Slack posts a click to the app's interactivity request URL with <see cref="ActionId"/> and
/// <see cref="Value"/> (at most 2,000 characters); a button with a <see cref="Url"/> also opens it in the browser.
/// </summary>
public sealed record ButtonElement(SlackText Text, string ActionId, string? Value = null, string? Url = null, string? Style = null)
{
    public string Type => "button";
}
