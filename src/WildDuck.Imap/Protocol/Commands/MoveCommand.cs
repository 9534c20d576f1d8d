// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>MOVE / UID MOVE (RFC 6851).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="IsUid">True for UID MOVE.</param>
/// <param name="Set">The set as written.</param>
/// <param name="Mailbox">The decoded target mailbox.</param>
internal sealed record MoveCommand(string Tag, bool IsUid, ImapSequenceSet Set, string Mailbox) : ImapCommand(Tag);
