// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>STARTTLS (RFC 3501 §6.2.1).</summary>
/// <param name="Tag">The command tag.</param>
internal sealed record StartTlsCommand(string Tag) : ImapCommand(Tag);
