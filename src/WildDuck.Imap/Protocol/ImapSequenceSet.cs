// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text;
using WildDuck.Storage;

namespace WildDuck.Imap.Protocol;

/// <summary>
/// One element of a sequence set: a number or an inclusive range, where <see cref="ImapSequenceSet.Star"/>
/// (0) stands for "*". Ranges are kept as written (possibly reversed).
/// </summary>
/// <param name="First">First end (0 = "*").</param>
/// <param name="Last">Last end (0 = "*"); equal to <paramref name="First"/> for a single number.</param>
internal readonly record struct ImapSequenceRange(uint First, uint Last);

/// <summary>
/// An unresolved IMAP sequence set (RFC 3501 §9 sequence-set): the session resolves it against its
/// UID list with <see cref="ResolveUids"/> or <see cref="TryResolveSequence"/>.
/// </summary>
internal sealed class ImapSequenceSet
{
    /// <summary>The marker for "*" (never a valid nz-number).</summary>
    public const uint Star = 0;

    private readonly ImapSequenceRange[] _ranges;

    /// <summary>Creates a set from ranges as written.</summary>
    public ImapSequenceSet(ImapSequenceRange[] ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        _ranges = ranges;
    }

    /// <summary>The ranges as written.</summary>
    public ReadOnlySpan<ImapSequenceRange> Ranges => _ranges;

    /// <summary>True when any element mentions "*".</summary>
    public bool HasStar
    {
        get
        {
            foreach (var r in _ranges)
            {
                if (r.First == Star || r.Last == Star)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Resolves a UID set: "*" is the largest UID in the mailbox; ranges are unordered (RFC 3501
    /// §9: "559:*" includes the last message even when 559 is above every UID). UIDs that do not
    /// exist are simply not matched later.
    /// </summary>
    /// <param name="maxUid">The largest UID in the mailbox (0 when empty).</param>
    public UidSet ResolveUids(uint maxUid)
    {
        var list = new List<UidRange>(_ranges.Length);
        foreach (var r in _ranges)
        {
            var a = r.First == Star ? maxUid : r.First;
            var b = r.Last == Star ? maxUid : r.Last;
            if (a == 0 && b == 0)
            {
                continue;
            }

            list.Add(new UidRange(Math.Min(a, b) == 0 ? 1 : Math.Min(a, b), Math.Max(a, b)));
        }

        return UidSet.FromRanges(list);
    }

    /// <summary>
    /// Resolves a message sequence set against the selected mailbox's ascending UID list. Returns
    /// false when a number exceeds the message count (RFC 9051 §6.4: the server answers BAD), or
    /// the mailbox is empty and "*" is used.
    /// </summary>
    public bool TryResolveSequence(ReadOnlySpan<uint> uids, out UidSet result)
    {
        var count = (uint)uids.Length;
        var list = new List<UidRange>(_ranges.Length);
        foreach (var r in _ranges)
        {
            var a = r.First == Star ? count : r.First;
            var b = r.Last == Star ? count : r.Last;
            if (a == 0 || b == 0 || a > count || b > count)
            {
                result = UidSet.Empty;
                return false;
            }

            var lo = Math.Min(a, b);
            var hi = Math.Max(a, b);
            for (var i = lo; i <= hi; i++)
            {
                var uid = uids[(int)i - 1];
                if (list.Count > 0 && list[^1].Last + 1 == uid)
                {
                    list[^1] = new UidRange(list[^1].First, uid);
                }
                else
                {
                    list.Add(new UidRange(uid, uid));
                }
            }
        }

        result = UidSet.FromRanges(list);
        return true;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var r in _ranges)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            Append(sb, r.First);
            if (r.First != r.Last)
            {
                sb.Append(':');
                Append(sb, r.Last);
            }
        }

        return sb.ToString();

        static void Append(StringBuilder sb, uint n)
        {
            if (n == Star)
            {
                sb.Append('*');
            }
            else
            {
                sb.Append(n);
            }
        }
    }
}
