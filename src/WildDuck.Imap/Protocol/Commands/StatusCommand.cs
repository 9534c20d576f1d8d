// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>STATUS mailbox (items) (RFC 3501 §6.3.10, RFC 7162, RFC 8438, RFC 9051).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="Mailbox">The decoded mailbox name.</param>
/// <param name="Items">The requested items.</param>
internal sealed record StatusCommand(string Tag, string Mailbox, StatusItems Items) : ImapCommand(Tag);
