// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using WildDuck.Storage;
using WildDuck.Storage.Search;

namespace WildDuck.Imap.Protocol;

/// <summary>
/// An unresolved sequence-set or UID search key (RFC 3501 §6.4.4 "sequence-set" and "UID"). The
/// session replaces it with a storage <see cref="UidKey"/> before the query reaches storage
/// (<see cref="Resolve"/>).
/// </summary>
/// <param name="Set">The set as written.</param>
/// <param name="IsUid">True for "UID set", false for a bare message sequence set.</param>
internal sealed record SequenceSetKey(ImapSequenceSet Set, bool IsUid) : SearchKey
{
    /// <summary>
    /// Returns <paramref name="key"/> with every <see cref="SequenceSetKey"/> replaced by a
    /// <see cref="UidKey"/> from <paramref name="resolve"/>; subtrees without one are reused as-is.
    /// </summary>
    public static SearchKey Resolve(SearchKey key, Func<SequenceSetKey, UidSet> resolve)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(resolve);
        switch (key)
        {
            case SequenceSetKey s:
                return new UidKey(resolve(s));
            case NotKey n:
            {
                var inner = Resolve(n.Key, resolve);
                return ReferenceEquals(inner, n.Key) ? n : new NotKey(inner);
            }

            case OrKey o:
            {
                var left = Resolve(o.Left, resolve);
                var right = Resolve(o.Right, resolve);
                return ReferenceEquals(left, o.Left) && ReferenceEquals(right, o.Right) ? o : new OrKey(left, right);
            }

            case AndKey a:
            {
                List<SearchKey>? changed = null;
                for (var i = 0; i < a.Keys.Count; i++)
                {
                    var k = Resolve(a.Keys[i], resolve);
                    if (changed is null && !ReferenceEquals(k, a.Keys[i]))
                    {
                        changed = new List<SearchKey>(a.Keys.Count);
                        for (var j = 0; j < i; j++)
                        {
                            changed.Add(a.Keys[j]);
                        }
                    }

                    changed?.Add(k);
                }

                return changed is null ? a : new AndKey(changed);
            }

            default:
                return key;
        }
    }
}
