// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>SUBSCRIBE mailbox (RFC 3501 §6.3.6).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="Mailbox">The decoded mailbox name.</param>
internal sealed record SubscribeCommand(string Tag, string Mailbox) : ImapCommand(Tag);
