// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>SELECT or EXAMINE mailbox [(CONDSTORE)] (RFC 3501 §6.3.1/§6.3.2, RFC 7162 §3.1.8).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="Mailbox">The decoded mailbox name (INBOX normalised).</param>
/// <param name="ReadOnly">True for EXAMINE.</param>
/// <param name="CondStore">True when the CONDSTORE select parameter was given.</param>
internal sealed record SelectCommand(string Tag, string Mailbox, bool ReadOnly, bool CondStore) : ImapCommand(Tag);
