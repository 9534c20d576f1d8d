// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>IDLE (RFC 2177); the session then reads lines with <see cref="ImapCommandParser.IsDone"/>.</summary>
/// <param name="Tag">The command tag.</param>
internal sealed record IdleCommand(string Tag) : ImapCommand(Tag);
