// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>RENAME from to (RFC 3501 §6.3.5).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="From">The existing name.</param>
/// <param name="To">The new name.</param>
internal sealed record RenameCommand(string Tag, string From, string To) : ImapCommand(Tag);
