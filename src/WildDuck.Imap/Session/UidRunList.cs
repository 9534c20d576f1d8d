// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Imap.Session;

/// <summary>
/// An ascending list of UIDs stored as runs of consecutive values. A mailbox's UIDs are mostly
/// consecutive, so thousands of messages usually take a few runs instead of 4 bytes each: what
/// keeps ten thousand sessions idling on large mailboxes cheap.
/// </summary>
/// <remarks>Index lookups are O(log runs); removals in the middle are O(runs).</remarks>
internal sealed class UidRunList
{
    private uint[] _starts;
    private uint[] _lengths;
    private int[] _before; // number of UIDs in the runs preceding run i
    private int _runs;

    public UidRunList(ReadOnlySpan<uint> ascending)
    {
        _starts = new uint[Math.Max(1, CountRuns(ascending))];
        _lengths = new uint[_starts.Length];
        _before = new int[_starts.Length];
        foreach (var uid in ascending)
        {
            Add(uid);
        }
    }

    /// <summary>Builds the list from ascending, non-overlapping ranges.</summary>
    public UidRunList(ReadOnlySpan<WildDuck.Storage.UidRange> ranges)
    {
        var size = Math.Max(1, ranges.Length);
        _starts = new uint[size];
        _lengths = new uint[size];
        _before = new int[size];
        foreach (var range in ranges)
        {
            _starts[_runs] = range.First;
            _lengths[_runs] = range.Last - range.First + 1;
            _before[_runs] = Count;
            Count += (int)_lengths[_runs];
            _runs++;
        }
    }

    /// <summary>Number of UIDs.</summary>
    public int Count { get; private set; }

    /// <summary>Number of runs (for tests and diagnostics).</summary>
    public int RunCount => _runs;

    /// <summary>The UID at a 0-based index.</summary>
    public uint this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index));
            }

            var r = RunOfIndex(index);
            return _starts[r] + (uint)(index - _before[r]);
        }
    }

    /// <summary>The largest UID, or 0 when empty.</summary>
    public uint Last => _runs == 0 ? 0 : _starts[_runs - 1] + _lengths[_runs - 1] - 1;

    /// <summary>The 0-based index of <paramref name="uid"/>, or a negative number when absent.</summary>
    public int BinarySearch(uint uid)
    {
        int lo = 0, hi = _runs - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (uid < _starts[mid])
            {
                hi = mid - 1;
            }
            else if (uid >= _starts[mid] + _lengths[mid])
            {
                lo = mid + 1;
            }
            else
            {
                return _before[mid] + (int)(uid - _starts[mid]);
            }
        }

        return -1;
    }

    /// <summary>The number of UIDs smaller than <paramref name="uid"/> (the index it has or would have).</summary>
    public int LowerBound(uint uid)
    {
        int lo = 0, hi = _runs - 1, run = _runs;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_starts[mid] + _lengths[mid] - 1 >= uid)
            {
                run = mid;
                hi = mid - 1;
            }
            else
            {
                lo = mid + 1;
            }
        }

        if (run == _runs)
        {
            return Count;
        }

        return _before[run] + (uid > _starts[run] ? (int)(uid - _starts[run]) : 0);
    }

    /// <summary>Appends a UID larger than <see cref="Last"/>.</summary>
    public void Add(uint uid)
    {
        if (Count > 0 && uid <= Last)
        {
            throw new ArgumentException("UIDs are appended in ascending order.", nameof(uid));
        }

        if (_runs > 0 && uid == Last + 1)
        {
            _lengths[_runs - 1]++;
        }
        else
        {
            EnsureCapacity(_runs + 1);
            _starts[_runs] = uid;
            _lengths[_runs] = 1;
            _before[_runs] = Count;
            _runs++;
        }

        Count++;
    }

    /// <summary>Removes the UID at a 0-based index.</summary>
    public void RemoveAt(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        var r = RunOfIndex(index);
        var offset = (uint)(index - _before[r]);
        if (_lengths[r] == 1)
        {
            Array.Copy(_starts, r + 1, _starts, r, _runs - r - 1);
            Array.Copy(_lengths, r + 1, _lengths, r, _runs - r - 1);
            Array.Copy(_before, r + 1, _before, r, _runs - r - 1);
            _runs--;
        }
        else if (offset == 0)
        {
            _starts[r]++;
            _lengths[r]--;
            r++;
        }
        else if (offset == _lengths[r] - 1)
        {
            _lengths[r]--;
            r++;
        }
        else
        {
            // Split: [start, start+offset) and [start+offset+1, end).
            EnsureCapacity(_runs + 1);
            Array.Copy(_starts, r + 1, _starts, r + 2, _runs - r - 1);
            Array.Copy(_lengths, r + 1, _lengths, r + 2, _runs - r - 1);
            Array.Copy(_before, r + 1, _before, r + 2, _runs - r - 1);
            _starts[r + 1] = _starts[r] + offset + 1;
            _lengths[r + 1] = _lengths[r] - offset - 1;
            _before[r + 1] = _before[r] + (int)offset;
            _lengths[r] = offset;
            _runs++;
            r += 2;
        }

        for (var i = r; i < _runs; i++)
        {
            _before[i]--;
        }

        Count--;
    }

    /// <summary>Copies every UID into a new array (tests).</summary>
    public uint[] ToArray()
    {
        var result = new uint[Count];
        var k = 0;
        for (var r = 0; r < _runs; r++)
        {
            for (uint i = 0; i < _lengths[r]; i++)
            {
                result[k++] = _starts[r] + i;
            }
        }

        return result;
    }

    private int RunOfIndex(int index)
    {
        int lo = 0, hi = _runs - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >>> 1;
            if (_before[mid] <= index)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    private void EnsureCapacity(int runs)
    {
        if (runs <= _starts.Length)
        {
            return;
        }

        var size = Math.Max(runs, _starts.Length * 2);
        Array.Resize(ref _starts, size);
        Array.Resize(ref _lengths, size);
        Array.Resize(ref _before, size);
    }

    private static int CountRuns(ReadOnlySpan<uint> ascending)
    {
        var runs = 0;
        for (var i = 0; i < ascending.Length; i++)
        {
            if (i == 0 || ascending[i] != ascending[i - 1] + 1)
            {
                runs++;
            }
        }

        return runs;
    }
}
