// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>UNSUBSCRIBE mailbox (RFC 3501 §6.3.7).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="Mailbox">The decoded mailbox name.</param>
internal sealed record UnsubscribeCommand(string Tag, string Mailbox) : ImapCommand(Tag);
