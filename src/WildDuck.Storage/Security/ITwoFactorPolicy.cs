// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage.Security;

/// <summary>
/// Tells the authenticator which second factors a user has enabled (WildDuck <c>enabled2fa</c>). While a user has
/// any, the account and temporary passwords open only the master scope, as a first step the API completes with a
/// second factor; IMAP, POP3 and SMTP then need an application-specific password (reference §7.2 step 8).
/// </summary>
public interface ITwoFactorPolicy
{
    /// <summary>The enabled methods (e.g. <c>totp</c>, <c>webauthn</c>); empty when none.</summary>
    /// <param name="user">The user.</param>
    /// <returns>The methods.</returns>
    IReadOnlyList<string> EnabledMethods(UserRecord user);
}

/// <summary>The default <see cref="ITwoFactorPolicy"/>: the methods the user record says are enabled (<see cref="UserRecord.Enabled2fa"/>).</summary>
internal sealed class UserRecordTwoFactorPolicy : ITwoFactorPolicy
{
    public IReadOnlyList<string> EnabledMethods(UserRecord user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Enabled2fa;
    }
}
