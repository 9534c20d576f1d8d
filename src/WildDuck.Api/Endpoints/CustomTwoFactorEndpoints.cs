// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using WildDuck.Api.Internal;
using WildDuck.Api.Internal.TwoFactor;
using WildDuck.Storage;
using WildDuck.Storage.Security;

namespace WildDuck.Api.Endpoints;

/// <summary>
/// Custom 2FA (reference §7.4): a marker in <c>enabled2fa</c> for a second factor an external system checks.
/// WildDuck.Core only acts on it the way it acts on any method: the account password then opens the master scope
/// alone, so IMAP, POP3 and SMTP need application-specific passwords.
/// </summary>
internal static class CustomTwoFactorEndpoints
{
    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("PUT", "/users/{user}/2fa/custom", "enableCustom2fa", "2FA",
            "Marks custom 2FA (checked by an external system) as enabled; the first 2FA method revokes the user's tokens", RouteAccess.UserData, EnableAsync)
        {
            BodyKind = BodyKind.Json,
            Body = SecurityEvents.LogFields,
        };

        yield return new ApiRoute("DELETE", "/users/{user}/2fa/custom", "disableCustom2fa", "2FA", "Removes the custom 2FA marker", RouteAccess.UserData, DisableAsync) { GuardsSecondFactor = true };
    }

    private static async Task EnableAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);

        // Enabling twice is not an error (WildDuck answers success), but only a change is logged and announced.
        if (!user.Enabled2fa.Contains(TwoFactorMethod.Custom))
        {
            _ = await SecondFactor.Store(call).EnableCustomTwoFactorAsync(user.Id, call.Aborted).ConfigureAwait(false) ?? throw ApiException.UserNotFound();
            await SecurityEvents.RecordAsync(call, user.Id, AuthEventAction.EnableTwoFactor).ConfigureAwait(false);
            SecondFactor.EndSessionsIfFirstMethod(call, user);
            call.Services.Publish(WildDuckEventTypes.MfaCustomEnabled, user.Id);
        }

        await call.OkAsync().ConfigureAwait(false);
    }

    private static async Task DisableAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        if (user.Enabled2fa.Contains(TwoFactorMethod.Custom))
        {
            _ = await SecondFactor.Store(call).DisableCustomTwoFactorAsync(user.Id, call.Aborted).ConfigureAwait(false) ?? throw ApiException.UserNotFound();
            await SecurityEvents.RecordAsync(call, user.Id, AuthEventAction.DisableTwoFactor).ConfigureAwait(false);
            call.Services.Publish(WildDuckEventTypes.MfaCustomDisabled, user.Id);
        }

        await call.OkAsync().ConfigureAwait(false);
    }
}
