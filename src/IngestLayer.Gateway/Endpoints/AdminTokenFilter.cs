using IngestLayer.Gateway.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>Lets a request through only with <c>Authorization: Bearer &lt;IngestLayer:AdminToken&gt;</c>.</summary>
public sealed class AdminTokenFilter(IOptions<IngestLayerOptions> options) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (Credentials.SecretEquals(Credentials.BearerToken(context.HttpContext.Request), options.Value.AdminToken!))
        {
            return next(context);
        }

        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return ValueTask.FromResult<object?>(Problems.Unauthorized("The ops API needs 'Authorization: Bearer <IngestLayer:AdminToken>'."));
    }
}
