// SPDX-License-Identifier: MIT
// DELETE ON MERGE: the pipeline branch provides MessageContent.WriteToAsync
using System.Buffers;
using System.IO;

namespace WildDuck.Storage.Conformance;

/// <summary>
/// Stand-in for the pipeline's <c>MessageContent.WriteToAsync</c> until the branches merge (an
/// instance method wins over this extension, so the real one is used once it exists).
/// </summary>
internal static class PendingMessageContentExtensions
{
    /// <summary>Writes <paramref name="length"/> bytes of the message starting at <paramref name="offset"/>.</summary>
    public static async ValueTask WriteToAsync(this MessageContent content, Stream stream, long offset, long length, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + length, content.Size);

        var end = offset + length;
        long position = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            foreach (var segment in content.Layout.Segments)
            {
                var segmentStart = position;
                var segmentEnd = position + segment.Length;
                position = segmentEnd;
                if (segmentEnd <= offset || segmentStart >= end)
                {
                    continue;
                }

                var from = Math.Max(offset, segmentStart) - segmentStart;
                var to = Math.Min(end, segmentEnd) - segmentStart;
                if (!segment.IsExternal)
                {
                    var inline = content.InlineContent.Slice(checked((int)(segment.InlineOffset + from)), checked((int)(to - from)));
                    await stream.WriteAsync(inline, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var at = from;
                while (at < to)
                {
                    var want = (int)Math.Min(buffer.Length, to - at);
                    var read = await content.Attachments.ReadAsync(segment.Hash, at, buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                    if (read <= 0)
                    {
                        throw new InvalidDataException($"Attachment {segment.Hash} ended at {at} bytes; the segment needs {segment.Length}.");
                    }

                    await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    at += read;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (position != content.Size)
        {
            throw new InvalidDataException($"The segments cover {position} bytes but the message size is {content.Size}.");
        }
    }
}
