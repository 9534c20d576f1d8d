// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>CHECK (RFC 3501 §6.4.1).</summary>
/// <param name="Tag">The command tag.</param>
internal sealed record CheckCommand(string Tag) : ImapCommand(Tag);
