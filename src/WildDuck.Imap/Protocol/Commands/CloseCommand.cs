// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>CLOSE (RFC 3501 §6.4.2).</summary>
/// <param name="Tag">The command tag.</param>
internal sealed record CloseCommand(string Tag) : ImapCommand(Tag);
