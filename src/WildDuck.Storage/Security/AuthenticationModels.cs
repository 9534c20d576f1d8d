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

/// <summary>Where a login attempt comes from.</summary>
/// <param name="Scope">The required scope, one of <see cref="AuthenticationScope"/> ("imap", "pop3", "smtp", "master").</param>
/// <param name="RemoteAddress">The client IP address, when known; used for the per-IP rate limit and logging.</param>
public sealed record AuthenticationContext(string Scope, string? RemoteAddress = null);

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

    /// <summary>
    /// On a successful <c>master</c> login of a user with 2FA: the methods the client must pass next
    /// (<see cref="TwoFactorMethod"/>); empty otherwise.
    /// </summary>
    public IReadOnlyList<string> Require2fa => Succeeded && User is not null ? User.Enabled2fa : Array.Empty<string>();

    /// <summary>For <see cref="AuthenticationFailure.RateLimited"/>: when another attempt may be made.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>A successful result.</summary>
    /// <param name="user">The user.</param>
    /// <returns>The result.</returns>
    public static AuthenticationResult Success(UserRecord user) => new() { User = user };

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
