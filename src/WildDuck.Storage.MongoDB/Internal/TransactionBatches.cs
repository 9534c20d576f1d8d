// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage.MongoDB.Internal;

/// <summary>
/// How a large COPY, MOVE, EXPUNGE or deletion is cut into transactions of at most
/// <see cref="MongoStorageOptions.MaxMessagesPerTransaction"/> messages (docs/storage.md, "Large
/// operations in batches"). Each transaction reads the next rows in ascending UID order after the
/// last UID the previous one handled, one more than it may take: that extra row only tells whether
/// another batch follows. An operation whose rows fit in one batch is therefore one transaction.
/// </summary>
internal static class TransactionBatches
{
    /// <summary>
    /// The UIDs of <paramref name="uids"/> a batch after <paramref name="after"/> still has to
    /// consider, as one covering range [first, last] (the rows read are filtered by the set), below
    /// <paramref name="below"/> (COPY and MOVE: the source's UIDNEXT when the first batch ran, so
    /// copies into the source mailbox itself are never copied again); null when nothing is left.
    /// </summary>
    public static UidRange? Remaining(UidSet uids, uint after, uint below = uint.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(uids);
        if (uids.IsEmpty || after == uint.MaxValue || below <= 1)
        {
            return null;
        }

        var ranges = uids.Ranges;
        var last = Math.Min(ranges[^1].Last, below - 1);
        var first = Math.Max(ranges[0].First, after + 1);
        return first > last ? null : new UidRange(first, last);
    }

    /// <summary>
    /// Appends to <paramref name="into"/>, in order, the rows of <paramref name="ascending"/> whose
    /// UID is in <paramref name="uids"/> until it holds <paramref name="limit"/>; true when it is full.
    /// </summary>
    public static bool Collect<T>(IEnumerable<T> ascending, Func<T, uint> uidOf, UidSet uids, int limit, List<T> into)
    {
        ArgumentNullException.ThrowIfNull(ascending);
        ArgumentNullException.ThrowIfNull(uidOf);
        ArgumentNullException.ThrowIfNull(uids);
        ArgumentNullException.ThrowIfNull(into);
        foreach (var row in ascending)
        {
            if (into.Count >= limit)
            {
                return true;
            }

            if (uids.Contains(uidOf(row)))
            {
                into.Add(row);
            }
        }

        return into.Count >= limit;
    }

    /// <summary>
    /// Cuts rows read with a limit of <paramref name="size"/> + 1 into this transaction's batch
    /// (the first <paramref name="size"/>, order kept) and whether another batch follows.
    /// </summary>
    public static (List<T> Batch, bool More) Cut<T>(List<T> rows, int size)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (rows.Count <= size)
        {
            return (rows, false);
        }

        return (rows.GetRange(0, size), true);
    }
}
