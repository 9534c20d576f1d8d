// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.Mime;

/// <content>Streaming recomposition: byte ranges of the whole message, from segments.</content>
public sealed partial class MessageContent
{
    /// <summary>Largest chunk written (and flushed) at once, and the pooled buffer size for external reads.</summary>
    internal const int ChunkSize = 64 * 1024;

    private static readonly long[] SingleSegmentStarts = [0];

    private long[]? _segmentStarts;

    /// <summary>
    /// Writes bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>)
    /// of the message to <paramref name="writer"/>, clamped to the message size, flushing whenever
    /// 64 KiB are buffered (back-pressure); flush the writer afterwards to send the tail.
    /// Stops early, without error, when the flush reports the reader completed or canceled.
    /// </summary>
    /// <param name="writer">The destination pipe.</param>
    /// <param name="offset">First message byte.</param>
    /// <param name="length">Number of bytes.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>A task completing when the bytes are written.</returns>
    public ValueTask WriteToAsync(PipeWriter writer, long offset, long length, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return IgnoreResult(CopyRangeAsync(new PipeWriterSink(writer), offset, length, cancellationToken));
    }

    /// <summary>
    /// Writes bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>)
    /// of the message to <paramref name="stream"/>, clamped to the message size.
    /// </summary>
    /// <param name="stream">The destination stream.</param>
    /// <param name="offset">First message byte.</param>
    /// <param name="length">Number of bytes.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>A task completing when the bytes are written.</returns>
    public ValueTask WriteToAsync(Stream stream, long offset, long length, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return IgnoreResult(CopyRangeAsync(new StreamSink(stream), offset, length, cancellationToken));
    }

    private static ValueTask IgnoreResult(ValueTask<bool> task)
    {
        if (task.IsCompletedSuccessfully)
        {
            _ = task.Result;
            return default;
        }

        return AwaitAsync(task);

        static async ValueTask AwaitAsync(ValueTask<bool> pending) => await pending.ConfigureAwait(false);
    }

    /// <summary>Copies a clamped message range to <paramref name="sink"/>; false when the sink stopped early.</summary>
    internal async ValueTask<bool> CopyRangeAsync<TSink>(TSink sink, long offset, long length, CancellationToken cancellationToken)
        where TSink : struct, IByteSink
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (offset >= Size || length == 0)
        {
            return true;
        }

        long end = offset + Math.Min(length, Size - offset);
        long[] starts = GetSegmentStarts();
        int index = FindSegment(starts, offset);
        long position = offset;
        byte[]? rented = null;
        try
        {
            while (position < end)
            {
                MessageSegment segment = Layout.Segments[index];
                long within = position - starts[index];
                long take = Math.Min(segment.Length - within, end - position);
                if (!segment.IsExternal)
                {
                    long inlineStart = segment.InlineOffset + within;
                    while (take > 0)
                    {
                        int chunk = (int)Math.Min(take, ChunkSize);
                        if (!await sink.WriteAsync(InlineContent.Slice((int)inlineStart, chunk), cancellationToken).ConfigureAwait(false))
                        {
                            return false;
                        }

                        inlineStart += chunk;
                        take -= chunk;
                        position += chunk;
                    }
                }
                else
                {
                    rented ??= ArrayPool<byte>.Shared.Rent(ChunkSize);
                    while (take > 0)
                    {
                        int want = (int)Math.Min(take, rented.Length);
                        int read = await Attachments.ReadAsync(segment.Hash, within, rented.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                        if (read <= 0)
                        {
                            ThrowShortAttachment(segment.Hash);
                        }

                        if (!await sink.WriteAsync(rented.AsMemory(0, read), cancellationToken).ConfigureAwait(false))
                        {
                            return false;
                        }

                        within += read;
                        take -= read;
                        position += read;
                    }
                }

                index++;
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        return true;
    }

    /// <summary>Copies message bytes starting at <paramref name="offset"/> into <paramref name="destination"/> (which must fit in the message).</summary>
    internal async ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (offset < 0 || offset + destination.Length > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(offset));
        }

        long[] starts = GetSegmentStarts();
        int index = destination.Length == 0 ? 0 : FindSegment(starts, offset);
        while (destination.Length > 0)
        {
            MessageSegment segment = Layout.Segments[index];
            long within = offset - starts[index];
            int take = (int)Math.Min(segment.Length - within, destination.Length);
            if (!segment.IsExternal)
            {
                InlineContent.Slice((int)(segment.InlineOffset + within), take).CopyTo(destination);
            }
            else
            {
                int done = 0;
                while (done < take)
                {
                    int read = await Attachments.ReadAsync(segment.Hash, within + done, destination.Slice(done, take - done), cancellationToken).ConfigureAwait(false);
                    if (read <= 0)
                    {
                        ThrowShortAttachment(segment.Hash);
                    }

                    done += read;
                }
            }

            destination = destination[take..];
            offset += take;
            index++;
        }
    }

    private long[] GetSegmentStarts()
    {
        if (_segmentStarts is { } cached)
        {
            return cached;
        }

        // Most stored messages are one segment: its start table is the same for all of them.
        var starts = Layout.Segments.Count == 1 ? SingleSegmentStarts : new long[Layout.Segments.Count];
        long position = 0;
        for (int i = 0; i < starts.Length; i++)
        {
            starts[i] = position;
            position += Layout.Segments[i].Length;
        }

        if (position != Size)
        {
            throw new InvalidDataException("The message layout's segments do not add up to its size.");
        }

        _segmentStarts = starts;
        return starts;
    }

    /// <summary>Index of the segment containing <paramref name="offset"/> (the last start &lt;= offset).</summary>
    private static int FindSegment(long[] starts, long offset)
    {
        int low = 0;
        int high = starts.Length - 1;
        while (low < high)
        {
            int mid = (low + high + 1) >>> 1;
            if (starts[mid] <= offset)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return low;
    }

    [DoesNotReturn]
    private static void ThrowShortAttachment(ContentHash hash) =>
        throw new InvalidDataException("Attachment " + hash.ToString() + " is shorter than the message layout says.");
}
