// SPDX-License-Identifier: MIT
using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WildDuck.Storage;

namespace WildDuck.Api.Internal;

/// <summary>
/// Runs a route: authenticate, authorise, validate the input, call the handler, and turn every
/// failure into a JSON error with a fixed message (never an exception text or a stack trace).
/// </summary>
internal static partial class ApiDispatcher
{
    public static RequestDelegate Create(ApiRoute route, ApiServices services) => context => InvokeAsync(context, route, services);

    private static async Task InvokeAsync(HttpContext context, ApiRoute route, ApiServices services)
    {
        var aborted = context.RequestAborted;
        long started = Stopwatch.GetTimestamp();
        try
        {
            var caller = await CallerAsync(context, route, services).ConfigureAwait(false);
            Authorize(route, caller);

            // Ownership before validation: a user token naming another user learns nothing, not even
            // which of its fields would have been invalid.
            if (caller.Role == ApiRole.User && context.Request.RouteValues.ContainsKey("user"))
            {
                _ = ApiCall.UserIdFromRoute(context, caller);
            }

            var input = await ApiInputReader.ReadAsync(context, route, services, aborted).ConfigureAwait(false);
            await route.Handler(new ApiCall(context, caller, input, services)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception ex)
        {
            var error = Translate(ex);
            if (error.Status >= 500)
            {
                LogFailed(services.Logger, route.Method, route.Pattern, ex);
            }
            else
            {
                LogRefused(services.Logger, route.Method, route.Pattern, error.Code);
            }

            if (context.Response.HasStarted)
            {
                // Part of a download was sent; a JSON error cannot follow it.
                context.Abort();
                return;
            }

            context.Response.Clear();
            if (error.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            if (error.Status == StatusCodes.Status401Unauthorized)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
            }

            await ApiJson.WriteAsync(context, error.Status, ApiJson.Error(error), aborted).ConfigureAwait(false);
        }
        finally
        {
            ApiMetrics.Answered(route, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>
    /// The caller; on a public route a stale or wrong token is ignored (a client logging in again
    /// must not be refused because of the token it is replacing).
    /// </summary>
    private static async Task<Caller> CallerAsync(HttpContext context, ApiRoute route, ApiServices services)
    {
        try
        {
            return await AccessTokens.AuthenticateAsync(context.Request, services, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ApiException) when (route.Access == RouteAccess.Public)
        {
            return Caller.Anonymous;
        }
    }

    private static void Authorize(ApiRoute route, Caller caller)
    {
        // A token from POST /authenticate of a user with 2FA is worth nothing but the second step
        // until that step succeeds on it (SecondFactor.SucceedAsync). Public routes do not look at
        // the token: logging in again with a half-done token at hand must work.
        if (caller.Pending2fa && !route.AllowedBefore2fa && route.Access != RouteAccess.Public)
        {
            throw ApiException.SecondFactorRequired();
        }

        if (route.GuardsSecondFactor && TwoFactor.SecondFactor.IsUserTokenUnderCustomTwoFactor(caller))
        {
            throw ApiException.ExternalSecondFactorRequired();
        }

        switch (route.Access)
        {
            case RouteAccess.Public:
                return;
            case RouteAccess.Root when caller.Role == ApiRole.Root:
            case RouteAccess.Service when caller.Role is ApiRole.Root or ApiRole.Webmail:
            case RouteAccess.UserData when caller.Role is ApiRole.Root or ApiRole.Webmail or ApiRole.User:
            case RouteAccess.UserToken when caller.Role == ApiRole.User:
                return;
        }

        throw caller.Role == ApiRole.Anonymous ? ApiException.InvalidToken() : ApiException.MissingPrivileges();
    }

    /// <summary>Maps failures to WildDuck's codes; storage errors not mapped by a handler get generic ones.</summary>
    private static ApiException Translate(Exception ex) => ex switch
    {
        ApiException api => api,
        MessageLimitExceededException => new ApiException(413, "MessageTooLarge", "The message exceeds a size or structure limit"),
        StorageException storage => storage.Error switch
        {
            StorageError.NotFound => new ApiException(404, "NotFound", "The object does not exist"),
            StorageError.AlreadyExists => new ApiException(409, "AlreadyExists", "The object already exists"),
            StorageError.OverQuota => new ApiException(403, "OverQuotaError", "The user is over quota"),
            StorageError.Cannot => new ApiException(400, "DisallowedMethod", "This operation is not allowed on this object"),
            StorageError.Limit => new ApiException(403, "TooMany", "A configured limit was reached"),
            StorageError.Invalid => new ApiException(400, "InputValidationError", "Invalid input"),
            StorageError.TooBig => new ApiException(413, "MessageTooLarge", "The message exceeds a size or structure limit"),
            StorageError.Conflict => new ApiException(409, "Conflict", "The object was changed concurrently; retry"),
            StorageError.Unavailable => new ApiException(503, "ServiceUnavailable", "The store is temporarily unavailable; retry"),
            _ => new ApiException(500, "InternalDatabaseError", "Internal database error"),
        },
        BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge =>
            new ApiException(413, "PayloadTooLarge", "Request body too large"),
        BadHttpRequestException => new ApiException(400, "BadRequest", "Malformed request"),
        _ => new ApiException(500, "InternalDatabaseError", "Internal server error"),
    };

    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "API {Method} {Route} failed")]
    private static partial void LogFailed(ILogger logger, string method, string route, Exception exception);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Debug, Message = "API {Method} {Route} refused: {Code}")]
    private static partial void LogRefused(ILogger logger, string method, string route, string code);
}
