// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>COPY / UID COPY (RFC 3501 §6.4.7).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="IsUid">True for UID COPY.</param>
/// <param name="Set">The set as written.</param>
/// <param name="Mailbox">The decoded target mailbox.</param>
internal sealed record CopyCommand(string Tag, bool IsUid, ImapSequenceSet Set, string Mailbox) : ImapCommand(Tag);
