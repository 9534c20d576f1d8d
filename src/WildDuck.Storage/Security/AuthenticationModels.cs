// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage.Security;

/// <summary>The services a login can be for (WildDuck <c>requiredScope</c>, reference §7.2).</summary>
public static class AuthenticationScope
{
    /// <summary>API and webmail.</summary>
    public const string Master = "master";

    /// <summary>IMAP.</summary>
    public const string Imap = "imap";

    /// <summary>POP3.</summary>
    public const string Pop3 = "pop3";

    /// <summary>SMTP submission.</summary>
    public const string Smtp = "smtp";
}

/// <summary>Which secret a login used (the authentication log's <c>source</c>, reference §7.5).</summary>
public static class AuthenticationSource
{
    /// <summary>The account password.</summary>
    public const string Master = "master";

    /// <summary>A temporary password from a password reset.</summary>
    public const string Temporary = "temporary";

    /// <summary>An application-specific password.</summary>
    public const string Asp = "asp";

    /// <summary>An API access token.</summary>
    public const string Token = "token";
}

/// <summary>Where a login attempt comes from.</summary>
/// <param name="Scope">The required scope, one of <see cref="AuthenticationScope"/> ("imap", "pop3", "smtp", "master").</param>
/// <param name="RemoteAddress">The client IP address, when known; used for the per-IP rate limit and logging.</param>
/// <param name="Protocol">The protocol for the authentication log ("IMAP", "POP3", "API"); derived from the scope when null.</param>
/// <param name="Session">The client's session or connection id, for the authentication log.</param>
public sealed record AuthenticationContext(string Scope, string? RemoteAddress = null, string? Protocol = null, string? Session = null);

/// <summary>Why a login failed.</summary>
public enum AuthenticationFailure
{
    /// <summary>The login succeeded.</summary>
    None,

    /// <summary>Unknown user, wrong or empty password, or no password set (deliberately indistinguishable).</summary>
    InvalidCredentials,

    /// <summary>The account is disabled.</summary>
    Disabled,

    /// <summary>The account is suspended.</summary>
    Suspended,

    /// <summary>The required scope is in the user's disabled scopes.</summary>
    ScopeDisabled,

    /// <summary>Too many recent failures for this user or IP; see <see cref="AuthenticationResult.RetryAfter"/>.</summary>
    RateLimited,

    /// <summary>
    /// The master password matched but the user has 2FA, so it opens only the <c>master</c> scope
    /// (reference §7.2 step 8); IMAP, POP3 and SMTP need an application-specific password.
    /// </summary>
    TwoFactorRequired,

    /// <summary>
    /// The password is right but not valid for the required scope (WildDuck <c>InvalidAuthScope</c>): an
    /// application-specific password without that scope, or a temporary password outside the master scope.
    /// </summary>
    InvalidScope,

    /// <summary>A temporary password used before the time it becomes valid (WildDuck <c>TempPasswordNotYetValid</c>).</summary>
    TemporaryPasswordNotYetValid,
}

/// <summary>The outcome of <see cref="IUserAuthenticator.AuthenticateAsync"/>.</summary>
public sealed record AuthenticationResult
{
    /// <summary>True when the login succeeded.</summary>
    public bool Succeeded => Failure == AuthenticationFailure.None;

    /// <summary>The authenticated user; for <see cref="AuthenticationFailure.Disabled"/>,
    /// <see cref="AuthenticationFailure.Suspended"/> and <see cref="AuthenticationFailure.ScopeDisabled"/> the user whose
    /// login was refused; otherwise null.</summary>
    public UserRecord? User { get; init; }

    /// <summary>The failure reason, <see cref="AuthenticationFailure.None"/> on success.</summary>
    public AuthenticationFailure Failure { get; init; }


    /// <summary>For <see cref="AuthenticationFailure.RateLimited"/>: when another attempt may be made.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>On success, which secret matched (<see cref="AuthenticationSource"/>).</summary>
    public string? Source { get; init; }

    /// <summary>On success with an application-specific password, that password.</summary>
    public AspRecord? Asp { get; init; }

    /// <summary>True after a login with a temporary password: the client should make the user choose a new password.</summary>
    public bool RequirePasswordChange { get; init; }

    /// <summary>
    /// The user's second factors (e.g. <c>totp</c>) still to be checked after a master-scope login with the account
    /// or temporary password; empty when none. Protocols other than the API never see a success that needs them.
    /// </summary>
    public IReadOnlyList<string> RequireTwoFactor { get; init; } = Array.Empty<string>();

    /// <summary>A successful result.</summary>
    /// <param name="user">The user.</param>
    /// <returns>The result.</returns>
    public static AuthenticationResult Success(UserRecord user) => new() { User = user, Source = AuthenticationSource.Master };

    /// <summary>A failed result.</summary>
    /// <param name="failure">The reason.</param>
    /// <param name="user">The user, when known and safe to expose.</param>
    /// <returns>The result.</returns>
    public static AuthenticationResult Failed(AuthenticationFailure failure, UserRecord? user = null) =>
        new() { Failure = failure, User = user };

    /// <summary>A rate-limited result.</summary>
    /// <param name="retryAfter">Time until the window ends.</param>
    /// <returns>The result.</returns>
    public static AuthenticationResult RateLimited(TimeSpan? retryAfter) =>
        new() { Failure = AuthenticationFailure.RateLimited, RetryAfter = retryAfter };
}
