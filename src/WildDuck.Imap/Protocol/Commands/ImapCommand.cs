// SPDX-License-Identifier: MIT
namespace WildDuck.Imap.Protocol;

/// <summary>
/// A parsed IMAP command (RFC 3501 §6, RFC 9051 §6 and the extensions in the package README).
/// Subclasses carry decoded arguments; sequence sets stay unresolved.
/// </summary>
/// <param name="Tag">The command tag as sent.</param>
internal abstract record ImapCommand(string Tag);
