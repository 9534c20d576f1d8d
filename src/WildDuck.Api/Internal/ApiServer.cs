// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WildDuck.Api.Internal;

/// <summary>
/// Serves the API with its own Kestrel listener inside a generic host (the sample server runs
/// IMAP, POP3 and LMTP on its own socket listeners, so it is not a web application). The web host
/// shares the application's <see cref="ApiServices"/> and logging; nothing else leaks between them.
/// </summary>
internal sealed partial class ApiServer : IHostedService, IAsyncDisposable
{
    private readonly ApiServices _services;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly IEnumerable<ApiServerEndpoints> _extraEndpoints;
    private WebApplication? _app;

    public ApiServer(ApiServices services, ILoggerFactory loggerFactory, IEnumerable<ApiServerEndpoints> extraEndpoints)
    {
        _services = services;
        _extraEndpoints = extraEndpoints;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ApiServer>();
    }

    /// <summary>The bound addresses (with the real port when <see cref="ApiOptions.Port"/> is 0).</summary>
    public IReadOnlyCollection<string> Addresses { get; private set; } = Array.Empty<string>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _services.Options;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = _services.MaxUploadSize + options.MaxJsonBodySize;
            var address = options.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host);
            kestrel.Listen(address, options.Port);
        });
        builder.Services.AddRouting();
        builder.Services.AddSingleton(_services);
        builder.Services.AddSingleton(_loggerFactory);

        var app = builder.Build();

        // Answers the framework produces without a body (404 for an unknown path, 405 for a known
        // path with another method) get the same JSON error shape as the API's own.
        app.UseStatusCodePages(static context =>
        {
            var http = context.HttpContext;
            var error = http.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => new ApiException(404, "NotFound", "No such endpoint"),
                StatusCodes.Status405MethodNotAllowed => new ApiException(405, "MethodNotAllowed", "This endpoint does not support this method"),
                _ => new ApiException(http.Response.StatusCode, "RequestFailed", "The request could not be served"),
            };
            return ApiJson.WriteAsync(http, http.Response.StatusCode, ApiJson.Error(error), http.RequestAborted);
        });
        app.MapWildDuckApi();
        foreach (var extra in _extraEndpoints)
        {
            extra.Map(app);
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        Addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? Array.Empty<string>();
        LogListening(_logger, string.Join(", ", Addresses));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "HTTP API listening on {Addresses}")]
    private static partial void LogListening(ILogger logger, string addresses);
}

/// <summary>Endpoints an application adds to the self-hosted listener (<c>MapOnApiServer</c>).</summary>
internal sealed record ApiServerEndpoints(Action<IEndpointRouteBuilder> Map);
