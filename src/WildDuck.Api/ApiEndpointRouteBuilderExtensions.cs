// SPDX-License-Identifier: MIT
using System;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Api.Internal;

namespace WildDuck.Api;

/// <summary>Maps the HTTP API into an ASP.NET Core application.</summary>
public static class ApiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every endpoint of the API (see docs/api.md and <c>GET /openapi.json</c>). Register the
    /// services first with <c>services.AddWildDuck().Use…Storage().AddApi()</c>.
    /// </summary>
    /// <returns>A builder for conventions that apply to all API endpoints (CORS, rate limiting, …).</returns>
    public static IEndpointConventionBuilder MapWildDuckApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider.GetService<ApiServices>()
            ?? throw new InvalidOperationException("The WildDuck API services are missing: call services.AddWildDuck().AddApi() first.");
        var group = endpoints.MapGroup(string.Empty);
        foreach (var route in ApiRoutes.All)
        {
            group.MapMethods(route.Pattern, new[] { route.Method }, ApiDispatcher.Create(route, services))
                .WithDisplayName(route.Method + " " + route.Pattern)
                .WithMetadata(route);
        }

        return group;
    }
}
