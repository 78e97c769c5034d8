using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>
/// Ingestion answers once events are stored and applies them to grains just after; an ops request first
/// waits (briefly) for what was acknowledged before it, so a read right after a write sees the write.
/// </summary>
public sealed class ReadYourWritesFilter(EventDispatcher dispatcher, IOptions<DispatchOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!await dispatcher.WaitForAppliedAsync(options.Value.ReadYourWritesWait, context.HttpContext.RequestAborted))
        {
            // Still answer, from state that may trail the latest writes, and say so.
            context.HttpContext.Response.Headers["X-IngestLayer-Stale"] = "true";
        }

        return await next(context);
    }
}
