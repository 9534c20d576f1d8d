// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Threading.Tasks;
using WildDuck.Api.Internal;

namespace WildDuck.Api.Endpoints;

/// <summary><c>/health</c> and <c>/openapi.json</c>.</summary>
internal static class SystemEndpoints
{
    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("GET", "/health", "health", "System", "Checks that the store answers", RouteAccess.Public, HealthAsync);
        yield return new ApiRoute("GET", "/openapi.json", "openapi", "System", "This API described as OpenAPI 3.1", RouteAccess.Public, OpenApiAsync);
    }

    private static async Task HealthAsync(ApiCall call)
    {
        try
        {
            // A read through the store: it opens (and migrates) the database and runs a query.
            _ = await call.Services.Users.ListUsersAsync(1, null, call.Aborted).ConfigureAwait(false);
        }
        catch (System.Exception ex) when (ex is not System.OperationCanceledException)
        {
            throw new ApiException(500, "HealthcheckFailed", "The store did not answer");
        }

        await call.OkAsync().ConfigureAwait(false);
    }

    private static Task OpenApiAsync(ApiCall call) =>
        ApiJson.WriteAsync(call.Http, 200, OpenApiDocument.Build(ApiRoutes.All), call.Aborted);
}
