// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using System.Threading.Tasks;
using WildDuck.Storage;
using WildDuck.Storage.Security;

namespace WildDuck.Api.Internal.TwoFactor;

/// <summary>
/// What every 2FA check shares: the failed-login limit of the user (the same <c>auth_user:&lt;id&gt;</c>
/// counter the password checks use, so guessing codes and guessing passwords draw on one budget;
/// reference §7.2 step 4, §7.4), and on success, unlocking the token the check was made with.
/// </summary>
internal static class SecondFactor
{
    /// <summary>The 2FA store; 503 when the configured store has none.</summary>
    public static ITwoFactorStore Store(ApiCall call) =>
        call.Services.TwoFactor ?? throw new ApiException(503, "TwoFactorUnavailable", "The store does not keep 2FA settings");

    /// <summary>
    /// After a method was enabled: the user's first method also ends every open IMAP and POP3
    /// session (reference §7.4, WildDuck's LOGOUT beacon). Those sessions were opened with the
    /// password alone, which from now on opens only the master scope.
    /// </summary>
    public static void EndSessionsIfFirstMethod(ApiCall call, UserRecord before)
    {
        if (before.Enabled2fa.Count == 0)
        {
            call.Services.Sessions?.Logout(before.Id, "Two-factor authentication was enabled");
        }
    }

    /// <summary>
    /// True when a user token of <paramref name="caller"/> must not make changes that would get around
    /// the second factor (<see cref="ApiRoute.GuardsSecondFactor"/>): its user has custom 2FA.
    /// </summary>
    public static bool IsUserTokenUnderCustomTwoFactor(Caller caller)
    {
        return caller is { Role: ApiRole.User, UserRecord: { } user } && user.Enabled2fa.Contains(TwoFactorMethod.Custom);
    }

    /// <summary>
    /// Turns every 2FA method of <paramref name="user"/> off (<c>DELETE …/2fa</c>, or <c>disable2fa</c>
    /// of <c>PUT /users/:user</c>): the store change, the authentication log and the <c>mfa.disabled</c> event.
    /// </summary>
    public static async Task DisableAllAsync(ApiCall call, UserRecord user)
    {
        _ = await Store(call).DisableTwoFactorAsync(user.Id, call.Aborted).ConfigureAwait(false) ?? throw ApiException.UserNotFound();
        await SecurityEvents.RecordAsync(call, user.Id, AuthEventAction.DisableTwoFactor).ConfigureAwait(false);
        call.Services.Publish(WildDuckEventTypes.MfaDisabled, user.Id);
    }

    /// <summary>429 when the user has used up its failed-login budget.</summary>
    public static async Task EnsureNotLimitedAsync(ApiCall call, UserRecord user)
    {
        var limits = call.Services.WildDuck.Authentication;
        if (limits.UserFailureLimit <= 0)
        {
            return;
        }

        var status = await call.Services.RateLimiter.CheckAsync(Key(user), limits.UserFailureLimit, limits.UserFailureWindow, call.Aborted).ConfigureAwait(false);
        if (status.Limited)
        {
            throw new ApiException(429, "RateLimitedError", "Authentication was rate limited") { RetryAfter = status.RetryAfter };
        }
    }

    /// <summary>Counts a failed check and returns the exception to throw.</summary>
    public static async Task<ApiException> FailAsync(ApiCall call, UserRecord user, ApiException error)
    {
        var limits = call.Services.WildDuck.Authentication;
        if (limits.UserFailureLimit > 0)
        {
            await call.Services.RateLimiter.RecordFailureAsync(Key(user), limits.UserFailureLimit, limits.UserFailureWindow, call.Aborted).ConfigureAwait(false);
        }

        return error;
    }

    /// <summary>
    /// After a successful check: clears the user's failure window and, when the call was made with
    /// the user's own token still waiting for its second factor, unlocks that token.
    /// </summary>
    public static async Task SucceedAsync(ApiCall call, UserRecord user)
    {
        await call.Services.RateLimiter.ResetAsync(Key(user), call.Aborted).ConfigureAwait(false);
        if (call.Caller is { Pending2fa: true, TokenHash: { } hash } && call.Caller.User == user.Id)
        {
            await call.Services.Tokens!.ConfirmTokenAsync(hash, call.Aborted).ConfigureAwait(false);
        }
    }

    /// <summary>A value of the request given in hex (WildDuck's WebAuthn encoding); 400 when it is not hex.</summary>
    public static byte[] Hex(ApiCall call, string field)
    {
        var text = call.Input.String(field)!;
        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw ApiException.Validation(field, "must be hex encoded");
        }
    }

    private static string Key(UserRecord user) => "auth_user:" + user.Id;
}
