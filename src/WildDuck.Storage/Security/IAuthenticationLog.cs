// SPDX-License-Identifier: MIT
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.Security;

/// <summary>The actions of the authentication log (WildDuck's <c>authlog.action</c> values, reference §7.5).</summary>
public static class AuthEventAction
{
    /// <summary>A login attempt.</summary>
    public const string Authentication = "authentication";

    /// <summary>The password was changed.</summary>
    public const string PasswordChange = "password change";

    /// <summary>A temporary password was issued.</summary>
    public const string PasswordReset = "password reset";

    /// <summary>An application-specific password was created.</summary>
    public const string CreateAsp = "create asp";

    /// <summary>An application-specific password was deleted.</summary>
    public const string DeleteAsp = "delete asp";

    /// <summary>The account was disabled.</summary>
    public const string DisableAccount = "disable account";

    /// <summary>The account was enabled again.</summary>
    public const string EnableAccount = "enable account";

    /// <summary>The account was suspended.</summary>
    public const string SuspendAccount = "suspend account";

    /// <summary>The suspension was lifted.</summary>
    public const string UnsuspendAccount = "unsuspend account";

    /// <summary>The set of disabled protocols changed.</summary>
    public const string UpdateDisabledScopes = "update disabled scopes";

    /// <summary>A second factor was enabled (append the method, e.g. "enable 2fa totp", as WildDuck does).</summary>
    public const string EnableTwoFactor = "enable 2fa";

    /// <summary>Second factors were disabled.</summary>
    public const string DisableTwoFactor = "disable 2fa";

    /// <summary>A second factor was checked.</summary>
    public const string CheckTwoFactor = "check 2fa";
}

/// <summary>The results of the authentication log (WildDuck's <c>authlog.result</c> values).</summary>
public static class AuthEventResult
{
    /// <summary>Succeeded.</summary>
    public const string Success = "success";

    /// <summary>Failed; the entry's reason says why.</summary>
    public const string Fail = "fail";

    /// <summary>Refused because the account is disabled.</summary>
    public const string Disabled = "disabled";

    /// <summary>Refused because the account is suspended.</summary>
    public const string Suspended = "suspended";
}

/// <summary>An event to record in the authentication log.</summary>
public sealed record AuthEvent
{
    /// <summary>The user; null for a login attempt with an unknown name.</summary>
    public UserId? User { get; init; }

    /// <summary>The action (<see cref="AuthEventAction"/>).</summary>
    public required string Action { get; init; }

    /// <summary>The result (<see cref="AuthEventResult"/>).</summary>
    public string Result { get; init; } = AuthEventResult.Success;

    /// <summary>Why it failed.</summary>
    public string? Reason { get; init; }

    /// <summary>The protocol ("IMAP", "POP3", "API").</summary>
    public string? Protocol { get; init; }

    /// <summary>The client's session id.</summary>
    public string? Session { get; init; }

    /// <summary>The client IP.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>The scope a login asked for.</summary>
    public string? RequiredScope { get; init; }

    /// <summary>Which secret was used (<see cref="AuthenticationSource"/>).</summary>
    public string? Source { get; init; }

    /// <summary>The application-specific password involved.</summary>
    public EntityId? Asp { get; init; }

    /// <summary>Its description.</summary>
    public string? AspName { get; init; }
}

/// <summary>
/// Records login attempts and security-relevant changes in the authentication log (reference §7.5). Recording
/// is best effort: it never throws, so a failing log never fails a login or a change.
/// </summary>
public interface IAuthenticationLog
{
    /// <summary>Records an event; store errors are logged and swallowed.</summary>
    /// <param name="entry">The event.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the event is stored or given up.</returns>
    Task RecordAsync(AuthEvent entry, CancellationToken cancellationToken = default);
}
