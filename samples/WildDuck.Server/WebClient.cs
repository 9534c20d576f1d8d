// SPDX-License-Identifier: MIT
using System;
using System.IO;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace WildDuck.Server;

/// <summary>
/// The sample web client (WebClient/*: one HTML page, its script and style, no build step), embedded
/// in the assembly so that <c>dotnet run</c>, a published binary and a package all serve the same
/// files. Mapped at <c>/</c> on the API listener, so the page calls the API on its own origin.
/// </summary>
internal static class WebClient
{
    /// <summary>
    /// The page's policy: its own script and style only, API calls to its own origin, no plugins,
    /// never framed. Inline styles are allowed for the message HTML in the sandboxed srcdoc frame,
    /// which inherits this policy (and adds its own, stricter one).
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data: blob:; " +
        "frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly (string Path, string Resource, string ContentType)[] Files =
    {
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/webclient.js", "webclient.js", "text/javascript; charset=utf-8"),
        ("/webclient.css", "webclient.css", "text/css; charset=utf-8"),
    };

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            var content = Load(resource);
            endpoints.MapMethods(path, new[] { HttpMethods.Get, HttpMethods.Head }, context => ServeAsync(context, content, contentType)).WithDisplayName("web client " + path);
        }
    }

    private static byte[] Load(string name)
    {
        using var stream = typeof(WebClient).Assembly.GetManifestResourceStream("WebClient/" + name)
            ?? throw new InvalidOperationException("The web client resource " + name + " is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static System.Threading.Tasks.Task ServeAsync(HttpContext context, byte[] content, string contentType)
    {
        var response = context.Response;
        response.ContentType = contentType;
        response.ContentLength = content.Length;
        response.Headers.CacheControl = "no-cache";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
        return HttpMethods.IsHead(context.Request.Method) ? System.Threading.Tasks.Task.CompletedTask : response.Body.WriteAsync(content, context.RequestAborted).AsTask();
    }
}
