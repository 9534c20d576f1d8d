// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using QRCoder;
using WildDuck.Api.Internal;
using WildDuck.Api.Internal.TwoFactor;
using WildDuck.Storage;
using WildDuck.Storage.Security;

namespace WildDuck.Api.Endpoints;

/// <summary>TOTP two-factor authentication and turning 2FA off (reference §7.4, §8.3 "2FA").</summary>
internal static class TotpEndpoints
{
    /// <summary>Module size of the QR code in pixels (a 41×41-module code becomes a 200-odd pixel PNG).</summary>
    private const int QrPixelsPerModule = 5;

    private static readonly FieldSpec[] TokenBody = FieldSpecs.Concat(
        new FieldSpec[] { new("token", FieldType.String, "The 6-digit code shown by the authenticator app") { Required = true, MaxLength = 16 } },
        SecurityEvents.LogFields);

    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("POST", "/users/{user}/2fa/totp/setup", "setupTotp", "2FA",
            "Generates a TOTP secret to confirm with totp/enable; returns it with its otpauth:// URI and a QR code", RouteAccess.UserData, SetupAsync)
        {
            BodyKind = BodyKind.Json,
            Body = FieldSpecs.Concat(
                new FieldSpec[]
                {
                    new("label", FieldType.String, "Account label shown by the app (default the username)") { MinLength = 1, MaxLength = 256 },
                    new("issuer", FieldType.String, "Issuer shown by the app (default the TwoFactor:TotpIssuer option, WildDuck)") { MinLength = 1, MaxLength = 256 },
                },
                SecurityEvents.LogFields),
        };

        yield return new ApiRoute("POST", "/users/{user}/2fa/totp/enable", "enableTotp", "2FA",
            "Enables TOTP with the secret from totp/setup, given a current code; the first 2FA method revokes the user's tokens", RouteAccess.UserData, EnableAsync)
        {
            BodyKind = BodyKind.Json,
            Body = TokenBody,
        };

        yield return new ApiRoute("POST", "/users/{user}/2fa/totp/check", "checkTotp", "2FA",
            "Checks a TOTP code (each code once); unlocks a token from POST /authenticate waiting for its second factor", RouteAccess.UserData, CheckAsync)
        {
            BodyKind = BodyKind.Json,
            Body = TokenBody,
            AllowedBefore2fa = true,
        };

        yield return new ApiRoute("DELETE", "/users/{user}/2fa/totp", "disableTotp", "2FA", "Disables TOTP and forgets its secret", RouteAccess.UserData, DisableTotpAsync) { GuardsSecondFactor = true };

        yield return new ApiRoute("DELETE", "/users/{user}/2fa", "disable2fa", "2FA",
            "Disables every 2FA method: TOTP secret, WebAuthn credentials and the custom 2FA marker are removed", RouteAccess.UserData, DisableAllAsync) { GuardsSecondFactor = true };
    }

    private static async Task SetupAsync(ApiCall call)
    {
        var store = SecondFactor.Store(call);
        var user = await call.UserAsync().ConfigureAwait(false);
        if (user.Enabled2fa.Contains(TwoFactorMethod.Totp))
        {
            throw new ApiException(409, "TotpEnabled", "TOTP 2FA is already enabled for this user");
        }

        var secret = Base32.Encode(RandomNumberGenerator.GetBytes(Totp.SecretBytes));
        if (!await store.SetPendingTotpSeedAsync(user.Id, call.Services.Sealer.Seal(secret), call.Services.Time.GetUtcNow(), call.Aborted).ConfigureAwait(false))
        {
            throw ApiException.UserNotFound();
        }

        var uri = Totp.KeyUri(call.Input.String("issuer") ?? call.Services.Options.TwoFactor.TotpIssuer, call.Input.String("label") ?? user.Username, secret);
        using var generator = new QRCodeGenerator();
        using var qr = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(qr).GetGraphic(QrPixelsPerModule);

        // The secret is shown here once, for the app (or typing it in); after enable it is never returned.
        await call.OkAsync(new JsonObject
        {
            ["secret"] = secret,
            ["uri"] = uri,
            ["dataUrl"] = "data:image/png;base64," + Convert.ToBase64String(png),
        }).ConfigureAwait(false);
    }

    private static async Task EnableAsync(ApiCall call)
    {
        var store = SecondFactor.Store(call);
        var user = await call.UserAsync().ConfigureAwait(false);
        var code = Code(call);
        var state = await store.GetTwoFactorAsync(user.Id, call.Aborted).ConfigureAwait(false) ?? throw ApiException.UserNotFound();
        if (state.Enabled.Contains(TwoFactorMethod.Totp))
        {
            throw new ApiException(409, "TotpEnabled", "TOTP 2FA is already enabled for this user");
        }

        var now = call.Services.Time.GetUtcNow();
        var pending = state.PendingTotpSeed;
        var secret = pending is null ? null : call.Services.Sealer.Open(pending);
        if (secret is null || state.PendingTotpSeedChanged is not { } changed || now - changed > call.Services.Options.TwoFactor.TotpSetupLifetime)
        {
            throw new ApiException(400, "TotpSetupMissing", "No TOTP setup to enable, or it expired; call totp/setup again");
        }

        await VerifyAsync(call, user, store, secret, code, now).ConfigureAwait(false);
        _ = await store.EnableTotpAsync(user.Id, pending!, call.Aborted).ConfigureAwait(false)
            ?? throw new ApiException(409, "Conflict", "The TOTP setup changed meanwhile; call totp/setup again");
        await SecurityEvents.RecordAsync(call, user.Id, AuthEventAction.EnableTwoFactor).ConfigureAwait(false);
        SecondFactor.EndSessionsIfFirstMethod(call, user);
        call.Services.Publish(WildDuckEventTypes.MfaTotpEnabled, user.Id);
        await call.OkAsync().ConfigureAwait(false);
    }

    private static async Task CheckAsync(ApiCall call)
    {
        var store = SecondFactor.Store(call);
        var user = await call.UserAsync().ConfigureAwait(false);
        var code = Code(call);
        var state = await store.GetTwoFactorAsync(user.Id, call.Aborted).ConfigureAwait(false) ?? throw ApiException.UserNotFound();
        if (!state.Enabled.Contains(TwoFactorMethod.Totp) || state.TotpSeed is null)
        {
            throw new ApiException(400, "TotpDisabled", "TOTP 2FA is not enabled for this user");
        }

        // A sealed secret the configured key cannot open: the key changed. The user cannot pass TOTP
        // until it is set up again; say so instead of counting their correct codes as failures.
        var secret = call.Services.Sealer.Open(state.TotpSeed)
            ?? throw new ApiException(500, "SecretUnreadable", "The stored TOTP secret cannot be decrypted with the configured key");
        await VerifyAsync(call, user, store, secret, code, call.Services.Time.GetUtcNow()).ConfigureAwait(false);
        await SecondFactor.SucceedAsync(call, user).ConfigureAwait(false);
        await call.OkAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Checks the code within the configured window and uses up its time step (RFC 6238 §5.2: a code
    /// accepted once is never accepted again). Wrong and replayed codes count as failed logins.
    /// </summary>
    private static async Task VerifyAsync(ApiCall call, UserRecord user, ITwoFactorStore store, string secret, string code, DateTimeOffset now)
    {
        await SecondFactor.EnsureNotLimitedAsync(call, user).ConfigureAwait(false);
        var key = Base32.Decode(secret) ?? throw new ApiException(500, "SecretUnreadable", "The stored TOTP secret is not base32");
        var step = Totp.Match(key, code, now, call.Services.Options.TwoFactor.TotpWindow);
        if (step is null)
        {
            throw await SecondFactor.FailAsync(call, user, new ApiException(403, "AuthFailed", "Invalid authentication code")).ConfigureAwait(false);
        }

        if (!await store.TryUseTotpStepAsync(user.Id, step.Value, call.Aborted).ConfigureAwait(false))
        {
            throw await SecondFactor.FailAsync(call, user, new ApiException(403, "CodeAlreadyUsed", "This code has already been used; wait for the next one")).ConfigureAwait(false);
        }
    }

    private static string Code(ApiCall call)
    {
        var code = call.Input.String("token")!.Replace(" ", string.Empty, StringComparison.Ordinal);
        foreach (var c in code)
        {
            if (!char.IsAsciiDigit(c))
            {
                throw ApiException.Validation("token", "must be the 6-digit code");
            }
        }

        return code.Length == Totp.Digits ? code : throw ApiException.Validation("token", "must be the 6-digit code");
    }

    private static async Task DisableTotpAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        _ = await SecondFactor.Store(call).DisableTotpAsync(user.Id, call.Aborted).ConfigureAwait(false) ?? throw ApiException.UserNotFound();
        await SecurityEvents.RecordAsync(call, user.Id, AuthEventAction.DisableTwoFactor).ConfigureAwait(false);
        call.Services.Publish(WildDuckEventTypes.MfaTotpDisabled, user.Id);
        await call.OkAsync().ConfigureAwait(false);
    }

    private static async Task DisableAllAsync(ApiCall call)
    {
        await SecondFactor.DisableAllAsync(call, await call.UserAsync().ConfigureAwait(false)).ConfigureAwait(false);
        await call.OkAsync().ConfigureAwait(false);
    }
}
