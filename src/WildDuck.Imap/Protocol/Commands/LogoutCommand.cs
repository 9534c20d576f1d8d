// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>LOGOUT (RFC 3501 §6.1.3).</summary>
/// <param name="Tag">The command tag.</param>
internal sealed record LogoutCommand(string Tag) : ImapCommand(Tag);
