// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Fido2NetLib;
using WildDuck.Api.Internal;
using WildDuck.Api.Internal.TwoFactor;
using WildDuck.Storage;
using WildDuck.Storage.Security;

namespace WildDuck.Api.Endpoints;

/// <summary>
/// WebAuthn two-factor authentication (reference §7.4, §8.3 "2FA"): registration and authentication
/// ceremonies with WildDuck's hex-encoded binary fields. The challenge endpoints return the options
/// for <c>navigator.credentials.create()</c> / <c>get()</c> in the standard JSON form (binary values
/// base64url) plus the challenge in hex, which the client sends back with the authenticator's answer.
/// </summary>
internal static class WebAuthnEndpoints
{
    private const int MaxHexField = 64 * 1024;
    private static readonly string[] Attachments = { "platform", "cross-platform" };

    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("GET", "/users/{user}/2fa/webauthn/credentials", "listWebAuthnCredentials", "2FA",
            "Lists the user's WebAuthn credentials", RouteAccess.UserData, ListAsync);

        yield return new ApiRoute("DELETE", "/users/{user}/2fa/webauthn/credentials/{credential}", "deleteWebAuthnCredential", "2FA",
            "Removes a WebAuthn credential; removing the last one turns WebAuthn off", RouteAccess.UserData, DeleteAsync) { GuardsSecondFactor = true };

        yield return new ApiRoute("POST", "/users/{user}/2fa/webauthn/registration-challenge", "webAuthnRegistrationChallenge", "2FA",
            "Starts registering a WebAuthn credential: options for navigator.credentials.create()", RouteAccess.UserData, RegistrationChallengeAsync)
        {
            BodyKind = BodyKind.Json,
            Body = FieldSpecs.Concat(
                new FieldSpec[]
                {
                    new("description", FieldType.String, "Label of the new credential") { Required = true, MaxLength = 256 },
                    new("authenticatorAttachment", FieldType.String, "platform or cross-platform (default either)") { Allowed = Attachments },
                },
                SecurityEvents.LogFields),
        };

        yield return new ApiRoute("POST", "/users/{user}/2fa/webauthn/registration-attestation", "webAuthnRegistrationAttestation", "2FA",
            "Completes a registration with the authenticator's attestation (hex); the first 2FA method revokes the user's tokens", RouteAccess.UserData, RegistrationAttestationAsync)
        {
            BodyKind = BodyKind.Json,
            Body = FieldSpecs.Concat(
                new FieldSpec[]
                {
                    new("challenge", FieldType.String, "The challenge from registration-challenge (hex)") { Required = true, MaxLength = 256 },
                    new("rawId", FieldType.String, "The credential's rawId (hex)") { Required = true, MaxLength = 2048 },
                    new("clientDataJSON", FieldType.String, "response.clientDataJSON (hex)") { Required = true, MaxLength = MaxHexField },
                    new("attestationObject", FieldType.String, "response.attestationObject (hex)") { Required = true, MaxLength = MaxHexField },
                },
                SecurityEvents.LogFields),
        };

        yield return new ApiRoute("POST", "/users/{user}/2fa/webauthn/authentication-challenge", "webAuthnAuthenticationChallenge", "2FA",
            "Starts a WebAuthn check: options for navigator.credentials.get()", RouteAccess.UserData, AuthenticationChallengeAsync)
        {
            BodyKind = BodyKind.Json,
            Body = SecurityEvents.LogFields,
            AllowedBefore2fa = true,
        };

        yield return new ApiRoute("POST", "/users/{user}/2fa/webauthn/authentication-assertion", "webAuthnAuthenticationAssertion", "2FA",
            "Checks the authenticator's assertion (hex); unlocks a token from POST /authenticate waiting for its second factor", RouteAccess.UserData, AuthenticationAssertionAsync)
        {
            BodyKind = BodyKind.Json,
            Body = FieldSpecs.Concat(
                new FieldSpec[]
                {
                    new("challenge", FieldType.String, "The challenge from authentication-challenge (hex)") { Required = true, MaxLength = 256 },
                    new("rawId", FieldType.String, "The credential's rawId (hex)") { Required = true, MaxLength = 2048 },
                    new("clientDataJSON", FieldType.String, "response.clientDataJSON (hex)") { Required = true, MaxLength = MaxHexField },
                    new("authenticatorData", FieldType.String, "response.authenticatorData (hex)") { Required = true, MaxLength = MaxHexField },
                    new("signature", FieldType.String, "response.signature (hex)") { Required = true, MaxLength = 2048 },
                },
                SecurityEvents.LogFields),
            AllowedBefore2fa = true,
        };
    }

    private static async Task ListAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var state = await SecondFactor.Store(call).GetTwoFactorAsync(user.Id, call.Aborted).ConfigureAwait(false) ?? throw ApiException.UserNotFound();
        var list = new JsonArray();
        foreach (var credential in state.WebAuthnCredentials)
        {
            list.Add((JsonNode)new JsonObject
            {
                ["id"] = credential.Id.ToString(),
                ["rawId"] = Convert.ToHexStringLower(credential.CredentialId),
                ["description"] = credential.Description,
                ["authenticatorAttachment"] = credential.AuthenticatorAttachment,
                ["rpId"] = credential.RpId,
                ["counter"] = credential.SignCount,
                ["created"] = ApiJson.Date(credential.Created),
            });
        }

        await call.OkAsync(new JsonObject { ["credentials"] = list }).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        if (!EntityId.TryParse(call.Route("credential"), out var id))
        {
            throw ApiException.Validation("credential", "must be a credential id");
        }

        if (!await SecondFactor.Store(call).DeleteWebAuthnCredentialAsync(user.Id, id, call.Aborted).ConfigureAwait(false))
        {
            throw new ApiException(404, "CredentialNotFound", "This credential does not exist");
        }

        await SecurityEvents.RecordAsync(call, user.Id, AuthEventAction.DisableTwoFactor).ConfigureAwait(false);
        call.Services.Publish(WildDuckEventTypes.MfaWebauthnRemoved, user.Id, ("credential", id.ToString()));
        await call.OkAsync().ConfigureAwait(false);
    }

    private static async Task RegistrationChallengeAsync(ApiCall call)
    {
        var store = SecondFactor.Store(call);
        var user = await call.UserAsync().ConfigureAwait(false);
        var state = await store.GetTwoFactorAsync(user.Id, call.Aborted).ConfigureAwait(false) ?? throw ApiException.UserNotFound();
        if (state.WebAuthnCredentials.Count >= call.Services.Options.TwoFactor.MaxWebAuthnCredentials)
        {
            throw new ApiException(403, "TooMany", "The user has the most WebAuthn credentials allowed");
        }

        var attachment = call.Input.String("authenticatorAttachment");
        var options = call.Services.WebAuthn.RegistrationOptions(user, state.WebAuthnCredentials, attachment);
        await IssueChallengeAsync(
            call,
            store,
            new WebAuthnChallengeRecord
            {
                Challenge = Convert.ToHexStringLower(options.Challenge),
                User = user.Id,
                Kind = WebAuthnChallengeRecord.Registration,
                Options = options.ToJson(),
                Description = call.Input.String("description"),
                AuthenticatorAttachment = attachment,
                Expires = ChallengeExpiry(call),
            },
            "registrationOptions").ConfigureAwait(false);
    }

    private static async Task RegistrationAttestationAsync(ApiCall call)
    {
        var store = SecondFactor.Store(call);
        var user = await call.UserAsync().ConfigureAwait(false);
        var rawId = SecondFactor.Hex(call, "rawId");
        var clientData = SecondFactor.Hex(call, "clientDataJSON");
        var attestation = SecondFactor.Hex(call, "attestationObject");
        var pending = await TakeChallengeAsync(call, store, user, WebAuthnChallengeRecord.Registration).ConfigureAwait(false);
        var state = await store.GetTwoFactorAsync(user.Id, call.Aborted).ConfigureAwait(false) ?? throw ApiException.UserNotFound();

        Fido2NetLib.Objects.RegisteredPublicKeyCredential registered;
        try
        {
            registered = await call.Services.WebAuthn.RegisterAsync(CredentialCreateOptions.FromJson(pending.Options), rawId, clientData, attestation, state.WebAuthnCredentials, call.Aborted).ConfigureAwait(false);
        }
        catch (Fido2VerificationException)
        {
            throw new ApiException(403, "WebAuthnVerificationFailed", "The attestation could not be verified");
        }

        var credential = new WebAuthnCredentialRecord
        {
            Id = EntityId.NewId(call.Services.Time),
            CredentialId = registered.Id,
            PublicKey = registered.PublicKey,
            SignCount = registered.SignCount,
            RpId = call.Services.WebAuthn.RpId,
            Description = pending.Description ?? string.Empty,
            AuthenticatorAttachment = pending.AuthenticatorAttachment,
            Created = call.Services.Time.GetUtcNow(),
        };
        _ = await StorageCalls.MapAsync(
            () => store.AddWebAuthnCredentialAsync(user.Id, credential, call.Aborted),
            error => error == StorageError.AlreadyExists ? new ApiException(409, "CredentialExists", "This credential is registered already") : null).ConfigureAwait(false)
            ?? throw ApiException.UserNotFound();
        await SecurityEvents.RecordAsync(call, user.Id, AuthEventAction.EnableTwoFactor).ConfigureAwait(false);
        SecondFactor.EndSessionsIfFirstMethod(call, user);
        call.Services.Publish(WildDuckEventTypes.MfaWebauthnRegistered, user.Id, ("credential", credential.Id.ToString()));
        await call.OkAsync(new JsonObject
        {
            ["id"] = credential.Id.ToString(),
            ["rawId"] = Convert.ToHexStringLower(credential.CredentialId),
            ["description"] = credential.Description,
            ["authenticatorAttachment"] = credential.AuthenticatorAttachment,
        }).ConfigureAwait(false);
    }

    private static async Task AuthenticationChallengeAsync(ApiCall call)
    {
        var store = SecondFactor.Store(call);
        var user = await call.UserAsync().ConfigureAwait(false);
        var state = await store.GetTwoFactorAsync(user.Id, call.Aborted).ConfigureAwait(false) ?? throw ApiException.UserNotFound();
        if (state.WebAuthnCredentials.Count == 0)
        {
            throw new ApiException(400, "WebAuthnDisabled", "The user has no WebAuthn credentials");
        }

        var options = call.Services.WebAuthn.AuthenticationOptions(state.WebAuthnCredentials);
        await IssueChallengeAsync(
            call,
            store,
            new WebAuthnChallengeRecord
            {
                Challenge = Convert.ToHexStringLower(options.Challenge),
                User = user.Id,
                Kind = WebAuthnChallengeRecord.Authentication,
                Options = options.ToJson(),
                Expires = ChallengeExpiry(call),
            },
            "authenticationOptions").ConfigureAwait(false);
    }

    private static DateTimeOffset ChallengeExpiry(ApiCall call) => call.Services.Time.GetUtcNow() + call.Services.Options.TwoFactor.WebAuthnChallengeLifetime;

    /// <summary>Stores the ceremony and answers with its challenge (hex) and the options for the browser.</summary>
    private static async Task IssueChallengeAsync(ApiCall call, ITwoFactorStore store, WebAuthnChallengeRecord pending, string optionsName)
    {
        await store.SaveWebAuthnChallengeAsync(pending, call.Aborted).ConfigureAwait(false);
        await call.OkAsync(new JsonObject
        {
            ["challenge"] = pending.Challenge,
            [optionsName] = JsonNode.Parse(pending.Options),
        }).ConfigureAwait(false);
    }

    private static async Task AuthenticationAssertionAsync(ApiCall call)
    {
        var store = SecondFactor.Store(call);
        var user = await call.UserAsync().ConfigureAwait(false);
        var rawId = SecondFactor.Hex(call, "rawId");
        var clientData = SecondFactor.Hex(call, "clientDataJSON");
        var authenticatorData = SecondFactor.Hex(call, "authenticatorData");
        var signature = SecondFactor.Hex(call, "signature");
        await SecondFactor.EnsureNotLimitedAsync(call, user).ConfigureAwait(false);
        var pending = await TakeChallengeAsync(call, store, user, WebAuthnChallengeRecord.Authentication).ConfigureAwait(false);
        var state = await store.GetTwoFactorAsync(user.Id, call.Aborted).ConfigureAwait(false) ?? throw ApiException.UserNotFound();
        var credential = state.WebAuthnCredentials.FirstOrDefault(c => c.CredentialId.AsSpan().SequenceEqual(rawId))
            ?? throw await SecondFactor.FailAsync(call, user, new ApiException(403, "AuthFailed", "Unknown credential")).ConfigureAwait(false);

        Fido2NetLib.Objects.VerifyAssertionResult result;
        try
        {
            result = await call.Services.WebAuthn.AssertAsync(AssertionOptions.FromJson(pending.Options), credential, clientData, authenticatorData, signature, call.Aborted).ConfigureAwait(false);
        }
        catch (Fido2VerificationException)
        {
            throw await SecondFactor.FailAsync(call, user, new ApiException(403, "AuthFailed", "The assertion could not be verified")).ConfigureAwait(false);
        }

        await store.UpdateWebAuthnSignCountAsync(user.Id, credential.Id, result.SignCount, call.Aborted).ConfigureAwait(false);
        await SecondFactor.SucceedAsync(call, user).ConfigureAwait(false);
        await call.OkAsync(new JsonObject { ["credential"] = credential.Id.ToString() }).ConfigureAwait(false);
    }

    /// <summary>Takes the pending ceremony named by <c>challenge</c> (single use); 400 when there is none or it expired.</summary>
    private static async Task<WebAuthnChallengeRecord> TakeChallengeAsync(ApiCall call, ITwoFactorStore store, UserRecord user, string kind)
    {
        var challenge = call.Input.String("challenge")!.ToLowerInvariant();
        return await store.TakeWebAuthnChallengeAsync(user.Id, challenge, kind, call.Services.Time.GetUtcNow(), call.Aborted).ConfigureAwait(false)
            ?? throw new ApiException(400, "InvalidChallenge", "Unknown or expired challenge");
    }
}
