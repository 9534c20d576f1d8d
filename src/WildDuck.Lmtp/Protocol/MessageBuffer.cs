// SPDX-License-Identifier: MIT
using System;
using System.Buffers;

namespace WildDuck.Lmtp.Protocol;

/// <summary>
/// The body of one transaction in one contiguous array rented from <see cref="ArrayPool{T}.Shared"/>,
/// bounded by a limit: bytes past the limit are counted and dropped, so an over-size message can be
/// read to its end (keeping the session in sync) without being held.
/// </summary>
internal sealed class MessageBuffer : IDisposable
{
    /// <summary>Arrays up to this size are kept between transactions; larger ones go back to the pool.</summary>
    private const int RetainedCapacity = 256 * 1024;
    private const int InitialCapacity = 16 * 1024;

    private byte[] _array = Array.Empty<byte>();
    private int _length;
    private long _total;
    private long _limit;

    /// <summary>Every byte offered since <see cref="Reset"/>, including dropped ones.</summary>
    public long TotalLength => _total;

    /// <summary>True once more than the limit was offered; the kept bytes are then incomplete.</summary>
    public bool Overflowed => _total > _limit;

    /// <summary>The kept bytes; valid until the next write or <see cref="Reset"/>.</summary>
    public ReadOnlyMemory<byte> Written => _array.AsMemory(0, _length);

    /// <summary>Starts a new message with <paramref name="limit"/> bytes allowed.</summary>
    public void Reset(long limit)
    {
        _length = 0;
        _total = 0;
        _limit = limit;
        if (_array.Length > RetainedCapacity)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = Array.Empty<byte>();
        }
    }

    /// <summary>Appends <paramref name="data"/>, or drops it once the limit is passed.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        _total += data.Length;
        if (_total > _limit)
        {
            return;
        }

        if (_array.Length - _length < data.Length)
        {
            Grow(_length + data.Length);
        }

        data.CopyTo(_array.AsSpan(_length));
        _length += data.Length;
    }

    /// <summary>Appends one byte.</summary>
    public void Write(byte value)
    {
        _total++;
        if (_total > _limit)
        {
            return;
        }

        if (_length == _array.Length)
        {
            Grow(_length + 1);
        }

        _array[_length++] = value;
    }

    public void Dispose()
    {
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = Array.Empty<byte>();
        }

        _length = 0;
    }

    private void Grow(int needed)
    {
        // Doubling keeps the copies amortised O(n); the limit keeps the array bounded.
        long size = Math.Max(InitialCapacity, (long)_array.Length * 2);
        size = Math.Max(size, needed);
        size = Math.Min(size, Math.Max(needed, Math.Min(_limit, Array.MaxLength)));
        var next = ArrayPool<byte>.Shared.Rent((int)size);
        _array.AsSpan(0, _length).CopyTo(next);
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = next;
    }
}
