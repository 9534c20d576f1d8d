// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Api;

/// <summary>
/// Two-factor authentication of the API (reference §7.4; configuration section
/// <c>WildDuck:Api:TwoFactor</c>). Every value states its default.
/// </summary>
public sealed class TwoFactorOptions
{
    /// <summary>The issuer shown by authenticator apps when a setup gives none. Default <c>WildDuck</c> (WildDuck's default).</summary>
    public string TotpIssuer { get; set; } = "WildDuck";

    /// <summary>
    /// How many 30-second steps before and after the current one a TOTP code may come from (RFC 6238
    /// §5.2 clock drift). Default 1 (±30 s); WildDuck uses 6. Larger windows give a guesser more
    /// valid codes per attempt.
    /// </summary>
    public int TotpWindow { get; set; } = 1;

    /// <summary>How long a secret from <c>totp/setup</c> may be enabled. Default 6 hours (WildDuck).</summary>
    public TimeSpan TotpSetupLifetime { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// A server secret that seals TOTP secrets at rest (AES-256-GCM, key derived with HKDF-SHA256;
    /// reference §7.8). Null (the default) stores them as base32 text. Values stored before a key
    /// was set stay readable; changing or removing the key makes sealed secrets unreadable (their
    /// users must set TOTP up again). Use at least 32 random characters.
    /// </summary>
    public string? SecretEncryptionKey { get; set; }

    /// <summary>
    /// The WebAuthn relying-party id: the domain credentials are bound to. Null (the default) uses
    /// <c>WildDuck:Hostname</c>.
    /// </summary>
    public string? WebAuthnRpId { get; set; }

    /// <summary>The relying-party name shown by authenticators. Default <c>WildDuck</c>.</summary>
    public string WebAuthnRpName { get; set; } = "WildDuck";

    /// <summary>
    /// The web origins (<c>https://host[:port]</c>) WebAuthn ceremonies may come from; the browser
    /// puts the page's origin into every signed response. Empty (the default) allows
    /// <c>https://</c> + the relying-party id only.
    /// </summary>
    public IList<string> WebAuthnOrigins { get; set; } = new List<string>();

    /// <summary>How long a WebAuthn challenge may be answered. Default 1 hour (WildDuck).</summary>
    public TimeSpan WebAuthnChallengeLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most WebAuthn credentials per user. Default 32; bounds the user document and each assertion's allow list.</summary>
    public int MaxWebAuthnCredentials { get; set; } = 32;
}
