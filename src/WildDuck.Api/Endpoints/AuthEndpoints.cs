// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using WildDuck.Api.Internal;
using WildDuck.Storage;
using WildDuck.Storage.Security;

namespace WildDuck.Api.Endpoints;

/// <summary><c>POST /authenticate</c> and <c>DELETE /authenticate</c> (reference §8.2, §7.2).</summary>
internal static class AuthEndpoints
{
    private static readonly string[] Scopes = { AuthenticationScope.Master, AuthenticationScope.Imap, AuthenticationScope.Pop3, AuthenticationScope.Smtp };

    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("POST", "/authenticate", "authenticate", "Authentication",
            "Checks a username and password; with token=true issues a user token (master scope)", RouteAccess.Public, AuthenticateAsync)
        {
            BodyKind = BodyKind.Json,
            Body = new FieldSpec[]
            {
                new("username", FieldType.String, "Username or one of the user's addresses") { Required = true, MaxLength = 256 },
                new("password", FieldType.String, "The password") { Required = true, MaxLength = 256 },
                new("scope", FieldType.String, "Required scope (default master)") { Allowed = Scopes },
                new("token", FieldType.Boolean, "Issue an access token (master scope only; default false)"),
                new("protocol", FieldType.String, "Protocol name for logs (default API)") { MaxLength = 64 },
                new("sess", FieldType.String, "Session id for logs") { MaxLength = 255 },
                new("ip", FieldType.String, "Client IP for the per-IP rate limit; honoured for root and webmail tokens only") { MaxLength = 64 },
            },
        };

        yield return new ApiRoute("POST", "/preauth", "preauth", "Authentication",
            "Checks that a user exists and may use a scope, without a password (for a webmail's login form)", RouteAccess.Service, PreauthAsync)
        {
            BodyKind = BodyKind.Json,
            Body = FieldSpecs.Concat(
                new FieldSpec[]
                {
                    new("username", FieldType.String, "Username or one of the user's addresses") { Required = true, MaxLength = 256 },
                    new("scope", FieldType.String, "Required scope (default master)") { Allowed = Scopes },
                },
                SecurityEvents.LogFields),
        };

        yield return new ApiRoute("DELETE", "/authenticate", "deleteAuthentication", "Authentication",
            "Revokes the user token of this request", RouteAccess.UserToken, RevokeAsync)
        {
            AllowedBefore2fa = true,
        };
    }

    private static async Task AuthenticateAsync(ApiCall call)
    {
        var input = call.Input;
        var scope = input.String("scope") ?? AuthenticationScope.Master;
        bool wantToken = input.Flag("token");
        if (wantToken && scope != AuthenticationScope.Master)
        {
            throw ApiException.Validation("token", "tokens are issued for the master scope only");
        }

        var context = new AuthenticationContext(scope, SecurityEvents.ClientIp(call), input.String("protocol") ?? "API", input.String("sess"));
        var result = await call.Services.Authenticator.AuthenticateAsync(input.String("username")!, input.String("password")!, context, call.Aborted).ConfigureAwait(false);
        switch (result.Failure)
        {
            case AuthenticationFailure.None:
                break;
            case AuthenticationFailure.RateLimited:
                throw new ApiException(429, "RateLimitedError", "Authentication was rate limited") { RetryAfter = result.RetryAfter };
            case AuthenticationFailure.ScopeDisabled:
                throw new ApiException(403, "InvalidAuthScope", "Access to requested service disabled");
            case AuthenticationFailure.InvalidScope or AuthenticationFailure.TwoFactorRequired:
                // The password was right (a temporary or application password outside its scope): WildDuck says so.
                throw new ApiException(403, "InvalidAuthScope", "Password is not valid for the requested scope");
            case AuthenticationFailure.TemporaryPasswordNotYetValid:
                throw new ApiException(403, "TempPasswordNotYetValid", "Temporary password is not yet activated");
            default:
                // Unknown user, wrong password, disabled and suspended look the same to the caller.
                throw new ApiException(403, "AuthFailed", "Authentication failed");
        }

        var user = result.User!;

        // With 2FA the login is only half done (reference §7.2 step 8, §7.4): the client must pass one
        // of these methods through the 2FA routes, and a token issued now opens nothing else until then.
        var require2fa = result.RequireTwoFactor;
        var body = new JsonObject
        {
            ["id"] = user.Id.ToString(),
            ["username"] = user.Username,
            ["address"] = user.Address,
            ["scope"] = scope,
            ["require2fa"] = Require2fa(require2fa),
            ["requirePasswordChange"] = result.RequirePasswordChange,
        };

        if (wantToken)
        {
            var tokens = call.Services.Tokens ?? throw new ApiException(503, "TokensUnavailable", "The store does not keep access tokens");
            var now = call.Services.Time.GetUtcNow();
            var token = AccessTokens.Generate();
            await tokens.CreateTokenAsync(
                new AccessTokenRecord
                {
                    TokenHash = AccessTokens.Hash(token),
                    User = user.Id,
                    Role = "user",
                    AuthVersion = user.AuthVersion,
                    Created = now,
                    Expires = now + call.Services.Options.TokenLifetime,
                    Pending2fa = NeedsCheckHere(require2fa),
                },
                call.Aborted).ConfigureAwait(false);

            // Expired tokens are purged here, where they are created, so the table stays bounded.
            await tokens.DeleteExpiredTokensAsync(now, call.Aborted).ConfigureAwait(false);
            body["token"] = token;
            body["expires"] = ApiJson.Date(now + call.Services.Options.TokenLifetime);
        }

        await call.OkAsync(body).ConfigureAwait(false);
    }

    private static async Task PreauthAsync(ApiCall call)
    {
        var scope = call.Input.String("scope") ?? AuthenticationScope.Master;
        var user = await call.Services.Users.FindUserAsync(call.Input.String("username")!, call.Aborted).ConfigureAwait(false);
        if (user is null || user.Disabled || user.Suspended)
        {
            throw new ApiException(403, "AuthFailed", "Authentication failed");
        }

        foreach (var disabled in user.DisabledScopes)
        {
            // Same comparison as UserAuthenticator (step 6), so /preauth and /authenticate agree.
            if (string.Equals(disabled, scope, StringComparison.OrdinalIgnoreCase))
            {
                throw new ApiException(403, "InvalidAuthScope", "Access to requested service disabled");
            }
        }

        await call.OkAsync(new JsonObject
        {
            ["id"] = user.Id.ToString(),
            ["username"] = user.Username,
            ["address"] = user.Address,
            ["scope"] = scope,
            ["require2fa"] = Require2fa(user.Enabled2fa),
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether a token waits for a second factor checked through this API: TOTP or WebAuthn. Custom 2FA is
    /// checked by an external system (reference §7.4), which this API cannot hear of, so it does not hold the
    /// token back; it is still reported in <c>require2fa</c> for that system to act on.
    /// </summary>
    private static bool NeedsCheckHere(IReadOnlyList<string> methods) => methods.Any(m => m != TwoFactorMethod.Custom);

    /// <summary>WildDuck's <c>require2fa</c>: the methods to pass next, or <c>false</c>.</summary>
    private static JsonNode Require2fa(IReadOnlyList<string> methods) => methods.Count > 0 ? ApiJson.Strings(methods) : JsonValue.Create(false);

    private static async Task RevokeAsync(ApiCall call)
    {
        await call.Services.Tokens!.DeleteTokenAsync(call.Caller.TokenHash!, call.Aborted).ConfigureAwait(false);
        await call.OkAsync().ConfigureAwait(false);
    }
}
