// SPDX-License-Identifier: MIT
using WildDuck.Storage.Search;

namespace WildDuck.Imap.Protocol;

/// <summary>
/// An unresolved sequence-set or UID search key (RFC 3501 §6.4.4 "sequence-set" and "UID"). The
/// session replaces it with a storage <see cref="UidKey"/> before the query reaches storage.
/// </summary>
/// <param name="Set">The set as written.</param>
/// <param name="IsUid">True for "UID set", false for a bare message sequence set.</param>
internal sealed record SequenceSetKey(ImapSequenceSet Set, bool IsUid) : SearchKey;
