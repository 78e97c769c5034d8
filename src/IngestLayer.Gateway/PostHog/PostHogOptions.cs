using System.ComponentModel.DataAnnotations;

namespace IngestLayer.Gateway.PostHog;

/// <summary>The PostHog capture API's settings (<c>IngestLayer:PostHog</c>).</summary>
public sealed class PostHogOptions
{
    public const string Section = "IngestLayer:PostHog";

    /// <summary>
    /// The PostHog group type whose key is the account: <c>$groups.&lt;type&gt;</c> on events, and the
    /// <c>$group_type</c> of <c>$groupidentify</c>. PostHog's own docs use <c>company</c>; ours default to
    /// <c>organization</c>.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(256)]
    public string GroupType { get; set; } = "organization";
}
