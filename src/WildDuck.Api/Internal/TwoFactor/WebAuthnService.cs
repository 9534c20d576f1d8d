// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Fido2NetLib;
using Fido2NetLib.Objects;
using WildDuck.Storage;

namespace WildDuck.Api.Internal.TwoFactor;

/// <summary>
/// The WebAuthn relying party (reference §7.4): builds the options of the registration and
/// authentication ceremonies and verifies the authenticator's answers with the Fido2 library
/// (signatures, challenge, origin, rp id hash, flags and counters). Attestation is not requested
/// (<c>none</c>, as WildDuck), user verification is discouraged (a second factor, not a password
/// replacement).
/// </summary>
internal sealed class WebAuthnService
{
    /// <summary>Challenge length in bytes (WebAuthn §13.4.3 asks for at least 16; WildDuck uses 64).</summary>
    private const int ChallengeBytes = 32;

    private readonly Fido2 _fido;

    public WebAuthnService(TwoFactorOptions options, string hostname)
    {
        RpId = string.IsNullOrEmpty(options.WebAuthnRpId) ? hostname : options.WebAuthnRpId;
        var origins = options.WebAuthnOrigins.Count > 0 ? options.WebAuthnOrigins.ToHashSet(StringComparer.Ordinal) : new HashSet<string>(StringComparer.Ordinal) { "https://" + RpId };
        _fido = new Fido2(new Fido2Configuration
        {
            RPID = RpId,
            RPName = options.WebAuthnRpName,
            Origins = origins,
            ChallengeSize = ChallengeBytes,
        });
    }

    /// <summary>The relying-party id credentials are bound to.</summary>
    public string RpId { get; }

    /// <summary>Options for <c>navigator.credentials.create()</c>; existing credentials are excluded.</summary>
    public CredentialCreateOptions RegistrationOptions(UserRecord user, IEnumerable<WebAuthnCredentialRecord> existing, string? attachment) =>
        _fido.RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = user.Id.Value.ToByteArray(), Name = user.Username, DisplayName = user.Name ?? user.Username },
            ExcludeCredentials = existing.Select(c => new PublicKeyCredentialDescriptor(c.CredentialId)).ToList(),
            AuthenticatorSelection = new AuthenticatorSelection
            {
                AuthenticatorAttachment = ParseAttachment(attachment),
                ResidentKey = ResidentKeyRequirement.Discouraged,
                UserVerification = UserVerificationRequirement.Discouraged,
            },
            AttestationPreference = AttestationConveyancePreference.None,
        });

    /// <summary>Options for <c>navigator.credentials.get()</c> allowing the user's credentials.</summary>
    public AssertionOptions AuthenticationOptions(IEnumerable<WebAuthnCredentialRecord> credentials) =>
        _fido.GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = credentials.Select(c => new PublicKeyCredentialDescriptor(c.CredentialId)).ToList(),
            UserVerification = UserVerificationRequirement.Discouraged,
        });

    /// <summary>Verifies an attestation; throws <see cref="Fido2VerificationException"/> when it does not hold.</summary>
    public Task<RegisteredPublicKeyCredential> RegisterAsync(CredentialCreateOptions options, byte[] rawId, byte[] clientData, byte[] attestationObject, IReadOnlyList<WebAuthnCredentialRecord> existing, CancellationToken cancellationToken) =>
        _fido.MakeNewCredentialAsync(
            new MakeNewCredentialParams
            {
                AttestationResponse = new AuthenticatorAttestationRawResponse
                {
                    Id = Base64Url.Encode(rawId),
                    RawId = rawId,
                    Type = PublicKeyCredentialType.PublicKey,
                    Response = new AuthenticatorAttestationRawResponse.AttestationResponse { AttestationObject = attestationObject, ClientDataJson = clientData },
                    ClientExtensionResults = new AuthenticationExtensionsClientOutputs(),
                },
                OriginalOptions = options,
                IsCredentialIdUniqueToUserCallback = (args, _) => Task.FromResult(!existing.Any(c => c.CredentialId.AsSpan().SequenceEqual(args.CredentialId))),
            },
            cancellationToken);

    /// <summary>Verifies an assertion by <paramref name="credential"/>; throws <see cref="Fido2VerificationException"/> when it does not hold.</summary>
    public Task<VerifyAssertionResult> AssertAsync(AssertionOptions options, WebAuthnCredentialRecord credential, byte[] clientData, byte[] authenticatorData, byte[] signature, CancellationToken cancellationToken) =>
        _fido.MakeAssertionAsync(
            new MakeAssertionParams
            {
                AssertionResponse = new AuthenticatorAssertionRawResponse
                {
                    Id = Base64Url.Encode(credential.CredentialId),
                    RawId = credential.CredentialId,
                    Type = PublicKeyCredentialType.PublicKey,
                    Response = new AuthenticatorAssertionRawResponse.AssertionResponse { AuthenticatorData = authenticatorData, Signature = signature, ClientDataJson = clientData },
                    ClientExtensionResults = new AuthenticationExtensionsClientOutputs(),
                },
                OriginalOptions = options,
                StoredPublicKey = credential.PublicKey,
                StoredSignatureCounter = credential.SignCount,

                // The credential was looked up among this user's own, so a returned user handle can
                // only name this user.
                IsUserHandleOwnerOfCredentialIdCallback = (_, _) => Task.FromResult(true),
            },
            cancellationToken);

    private static AuthenticatorAttachment? ParseAttachment(string? attachment) => attachment switch
    {
        "platform" => AuthenticatorAttachment.Platform,
        "cross-platform" => AuthenticatorAttachment.CrossPlatform,
        _ => null,
    };
}

/// <summary>RFC 4648 §5 base64url without padding (WebAuthn's credential id text form).</summary>
internal static class Base64Url
{
    public static string Encode(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
