using System.Net;
using IngestLayer.Slack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace IngestLayer.Gateway.Endpoints;

/// <summary>
/// The Slack app's OAuth v2 install, for a browser: <c>GET /slack/install</c> sends it to Slack's authorize page,
/// and <c>GET /slack/oauth/callback</c> (Slack sends it back there) stores the installation and shows a page saying
/// how it went. Every failure ends on a page with a 4xx (or 502/503 when Slack or the store failed), never a 500.
/// </summary>
public static class SlackInstallApi
{
    public static IEndpointRouteBuilder MapSlackInstallApi(this IEndpointRouteBuilder app)
    {
        var slack = app.MapGroup("/slack").WithTags("Slack");
        slack.MapGet("/install", Install).WithName("SlackInstall")
            .WithSummary("Redirects to Slack's authorize page to install the app for a workspace (?workspace=, by default the only configured one).");
        slack.MapGet("/oauth/callback", CallbackAsync).WithName("SlackOAuthCallback")
            .WithSummary("Where Slack returns after the authorize page: verifies the state, exchanges the code and stores the installation.");
        return app;
    }

    private static Results<RedirectHttpResult, ProblemHttpResult> Install(
        string? workspace, IOptionsMonitor<SlackOptions> slack, IOptions<IngestLayerOptions> ingest, SlackInstaller installer, HttpResponse response)
    {
        if (!slack.CurrentValue.IsInstallConfigured)
        {
            return NotConfigured();
        }

        if (workspace is null)
        {
            // One workspace configured: that one; several: the operator must say which.
            var configured = ingest.Value.Sources.Values.Select(s => s.Workspace).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (configured.Count > 1)
            {
                return Problems.BadRequest("Which workspace?",
                    $"Several workspaces are configured ({string.Join(", ", configured)}): add ?workspace=<name> to say which one the Slack app is for.");
            }

            workspace = configured.SingleOrDefault() ?? IngestLayerOptions.DefaultWorkspace;
        }
        else if (!IngestLayerOptions.IsValidWorkspace(workspace))
        {
            return Problems.BadRequest("Invalid query", "'workspace' may hold letters, digits, '-' and '_' (at most 64).");
        }

        response.Headers.CacheControl = "no-store";
        return TypedResults.Redirect(installer.AuthorizeUrl(workspace).AbsoluteUri);
    }

    private static async Task<IResult> CallbackAsync(
        string? code, string? state, string? error, IOptionsMonitor<SlackOptions> slack, SlackInstaller installer, HttpResponse response,
        CancellationToken cancellationToken)
    {
        if (!slack.CurrentValue.IsInstallConfigured)
        {
            return NotConfigured();
        }

        var outcome = await installer.CompleteAsync(code, state, error, cancellationToken);

        // The URL carried a code and a state: no caching, and no Referer taking them to whatever the page links to.
        response.Headers.CacheControl = "no-store";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
        return outcome switch
        {
            SlackInstallOutcome.Installed installed => Page(StatusCodes.Status200OK, "Installed in Slack",
                $"IngestLayer is installed in the Slack team <strong>{Html(installed.TeamName)}</strong> for workspace " +
                $"<strong>{Html(installed.Workspace)}</strong>. Alerts of this workspace are now posted by its bot; it joins public " +
                "channels by itself, private channels need <code>/invite @yourapp</code>. You can close this page."),
            SlackInstallOutcome.Failed failed => Page(failed.Status, failed.Title, Html(failed.Message) + $"<p class=\"code\">Error: {Html(failed.Error)}</p>"),
            _ => throw new InvalidOperationException("Unknown install outcome."),
        };
    }

    private static ProblemHttpResult NotConfigured() => TypedResults.Problem(
        "The Slack app install is not configured on this host: set Slack:ClientId, Slack:ClientSecret and Slack:RedirectUri " +
        "(environment Slack__ClientId, Slack__ClientSecret, Slack__RedirectUri) from the Slack app's settings.",
        statusCode: StatusCodes.Status404NotFound, title: "Slack install not configured");

    private static ContentHttpResult Page(int status, string title, string bodyHtml) => TypedResults.Content(
        $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>{{Html(title)}} · IngestLayer</title>
        <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5}.code{color:#666;font-size:.9em}</style>
        </head><body><h1>{{Html(title)}}</h1><p>{{bodyHtml}}</p></body></html>
        """,
        "text/html; charset=utf-8",
        statusCode: status);

    private static string Html(string text) => WebUtility.HtmlEncode(text);
}
