// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Api.Internal;

/// <summary>
/// A refused request: an HTTP status, WildDuck's error code and a fixed message safe to show.
/// Handlers throw it; the dispatcher writes <c>{ "error", "code", "details"? }</c>.
/// </summary>
internal sealed class ApiException : Exception
{
    public ApiException(int status, string code, string message, IReadOnlyDictionary<string, string>? details = null)
        : base(message)
    {
        Status = status;
        Code = code;
        Details = details;
    }

    public ApiException()
        : this(500, "InternalError", "Internal error")
    {
    }

    public ApiException(string message)
        : this(500, "InternalError", message)
    {
    }

    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = 500;
        Code = "InternalError";
    }

    public int Status { get; }

    public string Code { get; }

    public IReadOnlyDictionary<string, string>? Details { get; }

    /// <summary>When set, sent as <c>Retry-After</c> (429).</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static ApiException Validation(string field, string message) =>
        new(400, "InputValidationError", message, new Dictionary<string, string>(StringComparer.Ordinal) { [field] = message });

    public static ApiException Validation(IReadOnlyDictionary<string, string> details) =>
        new(400, "InputValidationError", "Invalid input", details);

    public static ApiException InvalidToken() => new(401, "InvalidToken", "Invalid or expired access token");

    public static ApiException MissingPrivileges() => new(403, "MissingPrivileges", "Not allowed to access this resource");

    /// <summary>400 <c>TooManyMatches</c>: a bulk change (search action, folder update) covers more than <c>Api:MaxSearchActionMatches</c> messages.</summary>
    public static ApiException TooManyMatches(int limit, string advice) =>
        new(400, "TooManyMatches", "The request covers more than " + limit.ToString(System.Globalization.CultureInfo.InvariantCulture)
            + " messages, the most one bulk change applies to (WildDuck:Api:MaxSearchActionMatches); " + advice);

    public static ApiException SecondFactorRequired() => new(403, "Require2FA", "Complete the 2FA check with this token first");

    public static ApiException ExternalSecondFactorRequired() => new(403, "Require2FA", "The user has custom 2FA: this change needs the trusted system's token, not the user's own");

    public static ApiException UserNotFound() => new(404, "UserNotFound", "This user does not exist");

    public static ApiException MailboxNotFound() => new(404, "NoSuchMailbox", "This mailbox does not exist");

    public static ApiException MessageNotFound() => new(404, "MessageNotFound", "This message does not exist");
}
