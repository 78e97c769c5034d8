using IngestLayer.Gateway.RateLimits;
using IngestLayer.Gateway.WebhookSources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>Signed webhook ingress: <c>POST /v1/webhooks/{sourceId}</c>, authenticated by the source's signature scheme (no write key).</summary>
public static class WebhookIngressApi
{
    public static IEndpointRouteBuilder MapWebhookIngressApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/webhooks/{sourceId}", (string sourceId, HttpContext http, WebhookIngress ingress) => ingress.ReceiveAsync(sourceId, http))
            .WithName("ReceiveWebhook")
            .WithSummary("Receive a signed webhook (Standard Webhooks or Stripe-style) and store the event its source's mapping makes of it.")
            .WithTags("Ingestion")
            .RequireIngestLimits();
        app.MapWebhookSourcesApi();
        return app;
    }
}
