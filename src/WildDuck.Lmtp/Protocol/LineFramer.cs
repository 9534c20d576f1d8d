// SPDX-License-Identifier: MIT
using System.Buffers;

namespace WildDuck.Lmtp.Protocol;

/// <summary>The outcome of <see cref="LineFramer.TryRead"/>.</summary>
internal enum LineStatus : byte
{
    /// <summary>No complete line yet; read more (the buffer may have been advanced past discarded bytes).</summary>
    Incomplete,

    /// <summary>A complete line, without its line ending.</summary>
    Line,

    /// <summary>An over-long line ended here; its bytes were discarded.</summary>
    TooLong,
}

/// <summary>
/// Frames command lines (RFC 5321 §2.3.8, §4.1.1) with a hard length bound applied before any parse
/// (Kestrel's request-line rule): a line without its LF within the bound is discarded up to its end
/// and reported once, so the session stays in sync and memory stays bounded.
/// </summary>
/// <remarks>Commands may end with a bare LF; the CR before the LF, if any, is stripped.</remarks>
internal struct LineFramer
{
    private bool _skipping;

    public readonly bool IsSkipping => _skipping;

    /// <summary>
    /// Reads one line from <paramref name="buffer"/> and slices it past what was consumed.
    /// <paramref name="maxLength"/> counts the line ending.
    /// </summary>
    public LineStatus TryRead(ref ReadOnlySequence<byte> buffer, int maxLength, out ReadOnlySequence<byte> line)
    {
        line = default;
        if (_skipping)
        {
            var end = buffer.PositionOf((byte)'\n');
            if (end is null)
            {
                buffer = buffer.Slice(buffer.End);
                return LineStatus.Incomplete;
            }

            buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
            _skipping = false;
            return LineStatus.TooLong;
        }

        var window = buffer.Length > maxLength ? buffer.Slice(0, maxLength) : buffer;
        var lf = window.PositionOf((byte)'\n');
        if (lf is null)
        {
            if (buffer.Length < maxLength)
            {
                return LineStatus.Incomplete;
            }

            // No LF within the bound: drop the window and skip to the end of the line, which may
            // already be in the buffer.
            _skipping = true;
            buffer = buffer.Slice(maxLength);
            return TryRead(ref buffer, maxLength, out line);
        }

        line = buffer.Slice(0, lf.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, lf.Value));
        if (line.Length > 0)
        {
            var lastByte = line.Slice(line.Length - 1).FirstSpan[0];
            if (lastByte == (byte)'\r')
            {
                line = line.Slice(0, line.Length - 1);
            }
        }

        return LineStatus.Line;
    }
}
