// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>UID EXPUNGE set (RFC 4315 §2.1).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="Set">The UID set.</param>
internal sealed record UidExpungeCommand(string Tag, ImapSequenceSet Set) : ImapCommand(Tag);
