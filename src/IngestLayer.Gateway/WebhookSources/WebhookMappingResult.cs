using IngestLayer.Contracts;

namespace IngestLayer.Gateway.WebhookSources;

/// <summary>What a mapping made of one payload: an event, an event type the mapping ignores, or why it could not map.</summary>
/// <param name="Event">The event, when mapped.</param>
/// <param name="IgnoredName">The provider's event name, when the mapping ignores it.</param>
/// <param name="Field">The mapping field that found nothing usable, when the payload could not be mapped.</param>
/// <param name="Error">What is wrong, when the payload could not be mapped.</param>
public sealed record WebhookMappingResult(IngestEvent? Event, string? IgnoredName = null, string? Field = null, string? Error = null)
{
    public static WebhookMappingResult Ignored(string name) => new(null, IgnoredName: name);

    public static WebhookMappingResult Failed(string field, string error) => new(null, Field: field, Error: error);
}
