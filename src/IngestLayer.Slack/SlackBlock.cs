using System.Text.Json.Serialization;

namespace IngestLayer.Slack;

/// <summary>A Block Kit layout block; the subset the alert messages use.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HeaderBlock), "header")]
[JsonDerivedType(typeof(SectionBlock), "section")]
[JsonDerivedType(typeof(ContextBlock), "context")]
public abstract record SlackBlock;

/// <summary>Large bold text; <see cref="Text"/> must be plain text of at most <see cref="BlockKitLimits.HeaderText"/> characters.</summary>
public sealed record HeaderBlock(SlackText Text) : SlackBlock;

/// <summary>Text, or up to <see cref="BlockKitLimits.SectionFields"/> short fields shown in two columns, or both.</summary>
public sealed record SectionBlock(SlackText? Text = null, IReadOnlyList<SlackText>? Fields = null) : SlackBlock;

/// <summary>Small grey text under the message.</summary>
public sealed record ContextBlock(IReadOnlyList<SlackText> Elements) : SlackBlock;
