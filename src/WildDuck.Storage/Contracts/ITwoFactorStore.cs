// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>The second factors a user can enable (WildDuck's <c>enabled2fa</c> values, reference §7.4).</summary>
public static class TwoFactorMethod
{
    /// <summary>Time-based one-time passwords (RFC 6238).</summary>
    public const string Totp = "totp";

    /// <summary>WebAuthn (FIDO2) credentials.</summary>
    public const string WebAuthn = "webauthn";

    /// <summary>
    /// A second factor checked by an external system (reference §7.4 "Custom 2FA"): only a marker. While it is on,
    /// the account password opens only the master scope, as with any other method.
    /// </summary>
    public const string Custom = "custom";
}

/// <summary>A user's 2FA settings as stored (WildDuck's <c>seed</c>, <c>pendingSeed</c>, <c>webauthn</c> user fields).</summary>
public sealed record TwoFactorState
{
    /// <summary>The enabled methods (<see cref="TwoFactorMethod"/>); the same list as <see cref="UserRecord.Enabled2fa"/>.</summary>
    public IReadOnlyList<string> Enabled { get; init; } = Array.Empty<string>();

    /// <summary>The enabled TOTP secret as stored (base32, or a sealed value when secret encryption is configured); null when TOTP is off.</summary>
    public string? TotpSeed { get; init; }

    /// <summary>The TOTP secret of a setup not yet confirmed by <c>enable</c>, as stored.</summary>
    public string? PendingTotpSeed { get; init; }

    /// <summary>When <see cref="PendingTotpSeed"/> was set (a pending secret expires, reference §7.4).</summary>
    public DateTimeOffset? PendingTotpSeedChanged { get; init; }

    /// <summary>The registered WebAuthn credentials.</summary>
    public IReadOnlyList<WebAuthnCredentialRecord> WebAuthnCredentials { get; init; } = Array.Empty<WebAuthnCredentialRecord>();
}

/// <summary>A registered WebAuthn credential (an item of WildDuck's <c>webauthn.credentials</c>).</summary>
public sealed record WebAuthnCredentialRecord
{
    /// <summary>The id used by the API (<c>…/credentials/:credential</c>).</summary>
    public required EntityId Id { get; init; }

    /// <summary>The authenticator's credential id (<c>rawId</c>); unique per user.</summary>
    public required byte[] CredentialId { get; init; }

    /// <summary>The credential public key as a COSE_Key (WebAuthn §6.5.1.1).</summary>
    public required byte[] PublicKey { get; init; }

    /// <summary>The last signature counter seen (WebAuthn §6.1.1), raised after each assertion.</summary>
    public uint SignCount { get; init; }

    /// <summary>The relying-party id the credential is scoped to.</summary>
    public required string RpId { get; init; }

    /// <summary>The user's label for the credential.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary><c>platform</c>, <c>cross-platform</c>, or null when the registration did not say.</summary>
    public string? AuthenticatorAttachment { get; init; }

    /// <summary>When it was registered.</summary>
    public DateTimeOffset Created { get; init; }
}

/// <summary>
/// A pending WebAuthn ceremony (WildDuck keeps <c>challenge:&lt;user&gt;:reg:&lt;hex&gt;</c> in Redis for
/// an hour): the options sent to the client, needed again to verify its answer. Single use.
/// </summary>
public sealed record WebAuthnChallengeRecord
{
    /// <summary>Registration (<c>reg</c>).</summary>
    public const string Registration = "reg";

    /// <summary>Authentication (<c>auth</c>).</summary>
    public const string Authentication = "auth";

    /// <summary>The challenge, lowercase hex; the key.</summary>
    public required string Challenge { get; init; }

    /// <summary>The user the ceremony is for.</summary>
    public required UserId User { get; init; }

    /// <summary><see cref="Registration"/> or <see cref="Authentication"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The options sent to the client (JSON), verified against the client's answer.</summary>
    public required string Options { get; init; }

    /// <summary>For a registration: the label the new credential gets.</summary>
    public string? Description { get; init; }

    /// <summary>For a registration: the requested authenticator attachment.</summary>
    public string? AuthenticatorAttachment { get; init; }

    /// <summary>When the challenge stops being accepted.</summary>
    public required DateTimeOffset Expires { get; init; }
}

/// <summary>
/// Two-factor authentication state (reference §7.4). Every change that enables the first method of a
/// user (from none) increments <see cref="UserRecord.AuthVersion"/> in the same write, which revokes
/// the user's existing API tokens; turning methods off does not.
/// </summary>
public interface ITwoFactorStore
{
    /// <summary>The user's 2FA state; null when the user does not exist.</summary>
    Task<TwoFactorState?> GetTwoFactorAsync(UserId user, CancellationToken cancellationToken = default);

    /// <summary>Stores a new pending TOTP secret (replacing any earlier one); false when the user does not exist.</summary>
    Task<bool> SetPendingTotpSeedAsync(UserId user, string seed, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes the pending secret the TOTP secret and adds <see cref="TwoFactorMethod.Totp"/>, atomically
    /// and only while the pending secret is still <paramref name="pendingSeed"/> (a concurrent setup
    /// is never enabled with a secret the caller did not verify). Returns the updated user, or null
    /// when the user does not exist or its pending secret changed.
    /// </summary>
    Task<UserRecord?> EnableTotpAsync(UserId user, string pendingSeed, CancellationToken cancellationToken = default);

    /// <summary>
    /// The TOTP replay guard (RFC 6238 §5.2): records <paramref name="timeStep"/> as used when it is
    /// later than every step used before; false when it is not (the code was already used, or an
    /// older one) or the user does not exist. Atomic, so two concurrent uses of one code cannot both pass.
    /// </summary>
    Task<bool> TryUseTotpStepAsync(UserId user, long timeStep, CancellationToken cancellationToken = default);

    /// <summary>Removes the TOTP secret, any pending one and <see cref="TwoFactorMethod.Totp"/>; returns the user, null when it does not exist.</summary>
    Task<UserRecord?> DisableTotpAsync(UserId user, CancellationToken cancellationToken = default);

    /// <summary>Removes every method, secret and WebAuthn credential; returns the user, null when it does not exist.</summary>
    Task<UserRecord?> DisableTwoFactorAsync(UserId user, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds <see cref="TwoFactorMethod.Custom"/> (the first method also increments the auth version); returns the
    /// updated user, null when the user does not exist. Enabling it again changes nothing.
    /// </summary>
    Task<UserRecord?> EnableCustomTwoFactorAsync(UserId user, CancellationToken cancellationToken = default);

    /// <summary>Removes <see cref="TwoFactorMethod.Custom"/>; returns the user, null when it does not exist.</summary>
    Task<UserRecord?> DisableCustomTwoFactorAsync(UserId user, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a credential and <see cref="TwoFactorMethod.WebAuthn"/>; returns the updated user, null when
    /// the user does not exist; <see cref="StorageError.AlreadyExists"/> when the user already has a
    /// credential with this <see cref="WebAuthnCredentialRecord.CredentialId"/>.
    /// </summary>
    Task<UserRecord?> AddWebAuthnCredentialAsync(UserId user, WebAuthnCredentialRecord credential, CancellationToken cancellationToken = default);

    /// <summary>Stores the signature counter after an assertion; false when the credential does not exist.</summary>
    Task<bool> UpdateWebAuthnSignCountAsync(UserId user, EntityId credential, uint signCount, CancellationToken cancellationToken = default);

    /// <summary>Removes a credential; the last one removes <see cref="TwoFactorMethod.WebAuthn"/>. False when it does not exist.</summary>
    Task<bool> DeleteWebAuthnCredentialAsync(UserId user, EntityId credential, CancellationToken cancellationToken = default);

    /// <summary>Stores a pending ceremony; <see cref="StorageError.NotFound"/> when the user does not exist.</summary>
    Task SaveWebAuthnChallengeAsync(WebAuthnChallengeRecord challenge, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes and returns the user's pending ceremony of <paramref name="kind"/> with this challenge;
    /// null when there is none or it expired before <paramref name="now"/>. A challenge is used once.
    /// </summary>
    Task<WebAuthnChallengeRecord?> TakeWebAuthnChallengeAsync(UserId user, string challenge, string kind, DateTimeOffset now, CancellationToken cancellationToken = default);
}
