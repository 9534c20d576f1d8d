// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.Mime;

/// <summary>
/// What a FETCH section resolves to: either a byte range of the stored message (streamed from its
/// segments) or computed bytes (HEADER.FIELDS filtering, BINARY decoding), with the partial range
/// already applied.
/// </summary>
/// <remarks>
/// Partial semantics follow RFC 3501 §6.4.5: <c>&lt;o.n&gt;</c> returns at most n octets starting at
/// octet o; an origin beyond the end gives an empty string. <see cref="Length"/> is the literal size
/// to announce; <see cref="TotalLength"/> is the size of the whole section (RFC 3516 BINARY.SIZE).
/// </remarks>
public sealed class SectionContent
{
    private static readonly SectionContent NotFoundInstance = new(SectionStatus.NotFound, null, 0, null, 0, 0, 0);
    private static readonly SectionContent UnknownEncodingInstance = new(SectionStatus.UnknownTransferEncoding, null, 0, null, 0, 0, 0);

    private readonly MessageContent? _message;
    private readonly long _rangeStart;
    private readonly byte[]? _bytes;

    private SectionContent(SectionStatus status, MessageContent? message, long rangeStart, byte[]? bytes, long totalLength, long offset, long length)
    {
        Status = status;
        _message = message;
        _rangeStart = rangeStart;
        _bytes = bytes;
        TotalLength = totalLength;
        Offset = offset;
        Length = length;
    }

    /// <summary>Whether the section exists (see <see cref="SectionStatus"/>).</summary>
    public SectionStatus Status { get; }

    /// <summary>Length of the whole section before any partial range (BINARY.SIZE).</summary>
    public long TotalLength { get; }

    /// <summary>Where the partial range starts within the section (0 without partial).</summary>
    public long Offset { get; }

    /// <summary>Bytes written by <c>WriteToAsync</c>: the literal size to announce.</summary>
    public long Length { get; }

    /// <summary>True when the bytes are computed (filtered or decoded) rather than a message range.</summary>
    public bool IsComputed => _bytes is not null;

    /// <summary>The empty result for a part that does not exist.</summary>
    internal static SectionContent NotFound => NotFoundInstance;

    /// <summary>The result for BINARY of a part with an unknown transfer encoding.</summary>
    internal static SectionContent UnknownTransferEncoding => UnknownEncodingInstance;

    /// <summary>
    /// Writes the section bytes (partial applied) to <paramref name="writer"/>, flushing whenever 64 KiB
    /// are buffered; flush the writer afterwards to send the tail.
    /// </summary>
    /// <param name="writer">The destination pipe.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>A task completing when written.</returns>
    public ValueTask WriteToAsync(PipeWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_message is not null)
        {
            return _message.WriteToAsync(writer, _rangeStart + Offset, Length, cancellationToken);
        }

        return WriteBytesAsync(new PipeWriterSink(writer), cancellationToken);
    }

    /// <summary>Writes the section bytes (partial applied) to <paramref name="stream"/>.</summary>
    /// <param name="stream">The destination stream.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>A task completing when written.</returns>
    public ValueTask WriteToAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (_message is not null)
        {
            return _message.WriteToAsync(stream, _rangeStart + Offset, Length, cancellationToken);
        }

        return WriteBytesAsync(new StreamSink(stream), cancellationToken);
    }

    /// <summary>Copies the section bytes (partial applied) into a new array; for small sections and tests.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bytes.</returns>
    public async ValueTask<byte[]> ToArrayAsync(CancellationToken cancellationToken = default)
    {
        var result = new byte[Length];
        if (_message is not null)
        {
            await _message.ReadAsync(_rangeStart + Offset, result, cancellationToken).ConfigureAwait(false);
        }
        else if (_bytes is not null)
        {
            _bytes.AsSpan((int)Offset, (int)Length).CopyTo(result);
        }

        return result;
    }

    /// <summary>A section that is the message range [start, start + length).</summary>
    internal static SectionContent FromRange(MessageContent message, long start, long length, SectionSpec spec)
    {
        (long offset, long count) = ApplyPartial(length, spec);
        return new SectionContent(SectionStatus.Ok, message, start, null, length, offset, count);
    }

    /// <summary>A section of computed bytes: the first <paramref name="length"/> bytes of <paramref name="bytes"/>.</summary>
    internal static SectionContent FromBytes(byte[] bytes, long length, SectionSpec spec)
    {
        (long offset, long count) = ApplyPartial(length, spec);
        return new SectionContent(SectionStatus.Ok, null, 0, bytes, length, offset, count);
    }

    private static (long Offset, long Length) ApplyPartial(long total, SectionSpec spec)
    {
        if (spec.PartialOffset is not { } origin)
        {
            return (0, total);
        }

        if (origin < 0 || origin >= total)
        {
            // RFC 3501 §6.4.5: an origin past the end returns an empty string.
            return (0, 0);
        }

        long available = total - origin;
        long count = spec.PartialLength is { } requested ? Math.Min(Math.Max(requested, 0), available) : available;
        return (origin, count);
    }

    private async ValueTask WriteBytesAsync<TSink>(TSink sink, CancellationToken cancellationToken)
        where TSink : struct, IByteSink
    {
        if (_bytes is null)
        {
            return;
        }

        long position = Offset;
        long end = Offset + Length;
        while (position < end)
        {
            int chunk = (int)Math.Min(end - position, MessageContent.ChunkSize);
            if (!await sink.WriteAsync(_bytes.AsMemory((int)position, chunk), cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            position += chunk;
        }
    }
}
