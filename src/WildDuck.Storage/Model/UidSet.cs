// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage;

/// <summary>An inclusive UID range.</summary>
/// <param name="First">First UID.</param>
/// <param name="Last">Last UID (≥ <paramref name="First"/>).</param>
public readonly record struct UidRange(uint First, uint Last);

/// <summary>
/// A set of UIDs as sorted, non-overlapping inclusive ranges. Sessions resolve sequence numbers
/// and "*" (RFC 3501 §9 seq-number) to UIDs before they call the store.
/// </summary>
public sealed class UidSet
{
    private readonly UidRange[] _ranges;

    private UidSet(UidRange[] ranges) => _ranges = ranges;

    /// <summary>Every UID.</summary>
    public static UidSet All { get; } = new(new[] { new UidRange(1, uint.MaxValue) });

    /// <summary>No UID.</summary>
    public static UidSet Empty { get; } = new(Array.Empty<UidRange>());

    /// <summary>The normalised ranges.</summary>
    public ReadOnlySpan<UidRange> Ranges => _ranges;

    /// <summary>True when the set is empty.</summary>
    public bool IsEmpty => _ranges.Length == 0;

    /// <summary>Builds a set from ranges in any order, merging overlaps; a reversed range is swapped (RFC 3501 §9).</summary>
    public static UidSet FromRanges(IEnumerable<UidRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var list = new List<UidRange>();
        foreach (var r in ranges)
        {
            var first = Math.Min(r.First, r.Last);
            var last = Math.Max(r.First, r.Last);
            if (last == 0)
            {
                continue;
            }

            list.Add(new UidRange(Math.Max(first, 1u), last));
        }

        list.Sort(static (a, b) => a.First.CompareTo(b.First));
        var merged = new List<UidRange>(list.Count);
        foreach (var r in list)
        {
            if (merged.Count > 0 && (ulong)merged[^1].Last + 1 >= r.First)
            {
                var prev = merged[^1];
                merged[^1] = new UidRange(prev.First, Math.Max(prev.Last, r.Last));
            }
            else
            {
                merged.Add(r);
            }
        }

        return new UidSet(merged.ToArray());
    }

    /// <summary>Builds a set from single UIDs.</summary>
    public static UidSet FromUids(IEnumerable<uint> uids)
    {
        ArgumentNullException.ThrowIfNull(uids);
        var ranges = new List<UidRange>();
        foreach (var uid in uids)
        {
            ranges.Add(new UidRange(uid, uid));
        }

        return FromRanges(ranges);
    }

    /// <summary>True when <paramref name="uid"/> is in the set (binary search).</summary>
    public bool Contains(uint uid)
    {
        int lo = 0, hi = _ranges.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var r = _ranges[mid];
            if (uid < r.First)
            {
                hi = mid - 1;
            }
            else if (uid > r.Last)
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var parts = new List<string>(_ranges.Length);
        foreach (var r in _ranges)
        {
            parts.Add(r.First == r.Last ? r.First.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{r.First}:{r.Last}");
        }

        return string.Join(',', parts);
    }
}
