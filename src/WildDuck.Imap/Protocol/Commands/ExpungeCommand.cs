// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>EXPUNGE (RFC 3501 §6.4.3).</summary>
/// <param name="Tag">The command tag.</param>
internal sealed record ExpungeCommand(string Tag) : ImapCommand(Tag);
