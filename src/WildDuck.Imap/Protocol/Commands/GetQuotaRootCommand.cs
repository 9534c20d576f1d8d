// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>GETQUOTAROOT mailbox (RFC 9208 §4.3).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="Mailbox">The decoded mailbox name.</param>
internal sealed record GetQuotaRootCommand(string Tag, string Mailbox) : ImapCommand(Tag);
