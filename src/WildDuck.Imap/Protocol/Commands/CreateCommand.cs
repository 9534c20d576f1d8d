// SPDX-License-Identifier: MIT
using System.Collections.Generic;

namespace WildDuck.Imap.Protocol;

/// <summary>CREATE mailbox [(USE (special-use...))] (RFC 3501 §6.3.3, RFC 6154 §3).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="Mailbox">The decoded mailbox name.</param>
/// <param name="SpecialUse">The requested special-use attributes as sent ("\\Sent"...), empty when none.</param>
internal sealed record CreateCommand(string Tag, string Mailbox, IReadOnlyList<string> SpecialUse) : ImapCommand(Tag);
