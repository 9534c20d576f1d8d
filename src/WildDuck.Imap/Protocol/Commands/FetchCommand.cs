// SPDX-License-Identifier: MIT
using System.Collections.Generic;

namespace WildDuck.Imap.Protocol;

/// <summary>FETCH / UID FETCH (RFC 3501 §6.4.5, CHANGEDSINCE RFC 7162 §3.1.4.1).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="IsUid">True for UID FETCH (UID is then returned implicitly).</param>
/// <param name="Set">The set as written.</param>
/// <param name="Items">Items in request order, macros expanded.</param>
/// <param name="ChangedSince">The CHANGEDSINCE modifier, or null.</param>
internal sealed record FetchCommand(string Tag, bool IsUid, ImapSequenceSet Set, IReadOnlyList<FetchItem> Items, ulong? ChangedSince) : ImapCommand(Tag)
{
    /// <summary>True when any item sets \Seen on a read-write mailbox (RFC 3501 §6.4.5: BODY[...], BINARY[...], RFC822, RFC822.TEXT).</summary>
    public bool SetsSeen
    {
        get
        {
            for (var i = 0; i < Items.Count; i++)
            {
                if (Items[i].SetsSeen)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
