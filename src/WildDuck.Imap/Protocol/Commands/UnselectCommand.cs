// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>UNSELECT (RFC 3691).</summary>
/// <param name="Tag">The command tag.</param>
internal sealed record UnselectCommand(string Tag) : ImapCommand(Tag);
