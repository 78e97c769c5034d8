using System.ComponentModel.DataAnnotations;

namespace IngestLayer.Webhooks;

/// <summary>How outgoing webhooks are sent (configuration section <c>Webhooks</c>).</summary>
public sealed class WebhookSenderOptions : IValidatableObject
{
    public const string Section = "Webhooks";
    public const string DefaultUserAgent = "IngestLayer-Webhooks/1.0";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long one attempt may take until the response headers arrive. Receivers should answer quickly and work
    /// later; the outbox retries a timed-out attempt like any other transient failure.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ErrorMessage = "Webhooks:Timeout must be between 00:00:01 and 00:01:00.")]
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>The <c>User-Agent</c> header, so receivers can tell our requests apart in their logs.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Webhooks:UserAgent is required.")]
    public string UserAgent { get; set; } = DefaultUserAgent;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        using var probe = new HttpRequestMessage();
        if (!string.IsNullOrWhiteSpace(UserAgent) && !probe.Headers.UserAgent.TryParseAdd(UserAgent))
        {
            yield return new ValidationResult(
                $"Webhooks:UserAgent must be a valid User-Agent header such as {DefaultUserAgent}; got '{UserAgent}'.",
                [nameof(UserAgent)]);
        }
    }
}
