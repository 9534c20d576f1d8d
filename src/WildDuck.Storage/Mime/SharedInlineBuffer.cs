// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Threading;

namespace WildDuck.Storage.Mime;

/// <summary>
/// One array rented from <see cref="ArrayPool{T}.Shared"/> holding the inline bytes (and layouts) of
/// several messages read in one batch, returned when the last of them is disposed. A batch holds many
/// contents at once (a FETCH batch is 256 messages), and the shared pool keeps only a few dozen
/// arrays of one size, so one rent per message would mostly miss the pool and allocate.
/// </summary>
internal sealed class SharedInlineBuffer
{
    /// <summary>Size of a buffer shared by small messages; a larger message gets a buffer of its own.</summary>
    public const int DefaultSize = 64 * 1024;

    private byte[]? _array;
    private int _used;

    // One reference for the filling batch, one per content placed in the buffer.
    private int _references = 1;

    public SharedInlineBuffer(int size) => _array = ArrayPool<byte>.Shared.Rent(size);

    /// <summary>Bytes still free.</summary>
    public int Available => _array!.Length - _used;

    /// <summary>Copies <paramref name="bytes"/> in (they must fit).</summary>
    public ReadOnlyMemory<byte> Append(ReadOnlySpan<byte> bytes)
    {
        var start = _used;
        bytes.CopyTo(_array.AsSpan(start));
        _used += bytes.Length;
        return new ReadOnlyMemory<byte>(_array, start, bytes.Length);
    }

    /// <summary>Takes a reference (one per content using the buffer).</summary>
    public void Retain() => Interlocked.Increment(ref _references);

    /// <summary>Drops one reference; the last one returns the array to the pool.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            var array = Interlocked.Exchange(ref _array, null);
            if (array is not null)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }
}
