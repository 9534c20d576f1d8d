// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>DELETE mailbox (RFC 3501 §6.3.4).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="Mailbox">The decoded mailbox name.</param>
internal sealed record DeleteCommand(string Tag, string Mailbox) : ImapCommand(Tag);
