// SPDX-License-Identifier: MIT
using System.Buffers;

namespace WildDuck.Hosting;

/// <summary>What <see cref="LineFramer.TryFrame"/> found.</summary>
internal enum LineStatus
{
    /// <summary>No complete line yet; the reader's position says what may be released (nothing, unless an over-long line is being skipped).</summary>
    NeedMore,

    /// <summary>A complete line within the limit; the line excludes its CRLF.</summary>
    Line,

    /// <summary>A line over the limit ended; it was skipped, and the session answers <c>-ERR</c> once.</summary>
    TooLong,
}

/// <summary>
/// Splits the input into command lines for the line-based protocols (POP3, RFC 1939 §3; LMTP/SMTP,
/// RFC 5321 §2.3.8, §4.1.1; a bare LF is accepted too). Bounded before any parse (Kestrel's
/// request-line rule): a line longer than the limit is skipped as it arrives, without buffering
/// it, and reported once when its end is seen, so pipelined commands after it still line up with
/// their replies.
/// </summary>
/// <remarks>
/// Resumable across reads: the only state is whether an over-long line is being skipped.
/// A proper prefix of a line within the limit returns <see cref="LineStatus.NeedMore"/> and
/// consumes nothing.
/// </remarks>
internal struct LineFramer
{
    private bool _skipping;

    /// <summary>True while the rest of an over-long line is being discarded.</summary>
    public readonly bool IsSkipping => _skipping;

    /// <summary>Frames the next line from <paramref name="reader"/>.</summary>
    /// <param name="reader">The buffered input; advanced past what was consumed.</param>
    /// <param name="maxLength">Longest line in octets, CRLF included.</param>
    /// <param name="line">The line without its line ending, when <see cref="LineStatus.Line"/>.</param>
    /// <returns>The outcome.</returns>
    public LineStatus TryFrame(ref SequenceReader<byte> reader, int maxLength, out ReadOnlySequence<byte> line)
    {
        line = default;
        if (_skipping)
        {
            if (!reader.TryAdvanceTo((byte)'\n'))
            {
                reader.AdvanceToEnd();
                return LineStatus.NeedMore;
            }

            _skipping = false;
            return LineStatus.TooLong;
        }

        if (!reader.TryReadTo(out ReadOnlySequence<byte> content, (byte)'\n'))
        {
            // TryReadTo leaves the reader where it was. Without the LF the line is already too
            // long once it holds maxLength octets: drop them and skip the rest as it arrives.
            if (reader.Remaining >= maxLength)
            {
                reader.AdvanceToEnd();
                _skipping = true;
            }

            return LineStatus.NeedMore;
        }

        if (content.Length + 1 > maxLength)
        {
            return LineStatus.TooLong;
        }

        // Strip the CR of CRLF; a bare LF ends a line as well.
        if (!content.IsEmpty && EndsWithCr(content))
        {
            content = content.Slice(0, content.Length - 1);
        }

        line = content;
        return LineStatus.Line;
    }

    /// <summary>
    /// As <see cref="TryFrame"/>, over a buffer that is sliced past what was consumed (for sessions
    /// that keep the unread input as a sequence).
    /// </summary>
    public LineStatus TryRead(ref ReadOnlySequence<byte> buffer, int maxLength, out ReadOnlySequence<byte> line)
    {
        var reader = new SequenceReader<byte>(buffer);
        var status = TryFrame(ref reader, maxLength, out line);
        buffer = buffer.Slice(reader.Position);
        return status;
    }

    private static bool EndsWithCr(in ReadOnlySequence<byte> content)
    {
        if (content.IsSingleSegment)
        {
            return content.FirstSpan[^1] == (byte)'\r';
        }

        return content.Slice(content.Length - 1).FirstSpan[0] == (byte)'\r';
    }
}
