// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>LOGIN user password (RFC 3501 §6.2.3). Strings are byte-exact (never trimmed); <see cref="ToString"/> redacts the password.</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="User">The user name as sent.</param>
/// <param name="Password">The password as sent.</param>
internal sealed record LoginCommand(string Tag, string User, string Password) : ImapCommand(Tag)
{
    /// <inheritdoc />
    public override string ToString() => $"LoginCommand {{ Tag = {Tag}, User = {User}, Password = *** }}";
}
