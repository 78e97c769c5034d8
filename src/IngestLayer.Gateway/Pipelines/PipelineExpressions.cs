using IngestLayer.Pipelines.Filters;
using IngestLayer.Pipelines.Lists;
using IngestLayer.Pipelines.Templates;
using IngestLayer.Webhooks;

namespace IngestLayer.Gateway.Pipelines;

/// <summary>The checks a pipeline's texts get on write: each returns the error to show (naming the column), or null when the text compiles.</summary>
internal static class PipelineExpressions
{
    /// <summary>A filter, compiled against the workspace's lists so a misspelt list name is refused on write.</summary>
    public static string? CheckFilter(string text, INamedLists lists) =>
        FilterCompiler.TryCompile(text, lists, out _, out var error) ? null : error.Message;

    public static string? CheckTemplate(string text) =>
        MessageTemplate.TryParse(text, out _, out var error) ? null : error.Message;

    public static string? CheckPayload(string json) =>
        JsonTemplate.TryParse(json, out _, out var error) ? null : error.Message;

    public static string? CheckWebhookSecret(string secret) =>
        StandardWebhookSecret.TryParse(secret, out _)
            ? null
            : $"must be a Standard Webhooks secret: \"{StandardWebhookSecret.Prefix}\" and the base64 of {StandardWebhookSecret.MinKeyLength} to {StandardWebhookSecret.MaxKeyLength} random bytes (or leave it out and one is made).";

    public static string NewWebhookSecret() => StandardWebhookSecret.Generate().Reveal();
}
