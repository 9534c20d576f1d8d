// SPDX-License-Identifier: MIT
using WildDuck.Storage;

namespace WildDuck.Api.Internal;

/// <summary>The roles of reference §8.2 this API implements.</summary>
internal enum ApiRole
{
    /// <summary>No token (public routes only).</summary>
    Anonymous,

    /// <summary>The static root token: everything.</summary>
    Root,

    /// <summary>The static webmail token: profiles (not root-only fields), addresses, mailboxes and messages of any user.</summary>
    Webmail,

    /// <summary>A token from POST /authenticate: the same as webmail, own records only, plus own profile changes.</summary>
    User,
}

/// <summary>
/// Who is calling: the role, and for user tokens the user and the token's hash, plus the user's
/// record as read to check the token (so the request does not read it a second time).
/// </summary>
internal sealed record Caller(ApiRole Role, UserId? User = null, string? TokenHash = null, UserRecord? UserRecord = null)
{
    /// <summary>True for a user token whose second factor has not been checked yet (reference §7.4).</summary>
    public bool Pending2fa { get; init; }

    public static Caller Anonymous { get; } = new(ApiRole.Anonymous);

    public static Caller Root { get; } = new(ApiRole.Root);

    public static Caller Webmail { get; } = new(ApiRole.Webmail);
}
