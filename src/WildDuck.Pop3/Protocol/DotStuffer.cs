// SPDX-License-Identifier: MIT
using System;
using System.Buffers;

namespace WildDuck.Pop3.Protocol;

/// <summary>
/// Byte-stuffs a message for a multi-line response as it streams (RFC 1939 §3: a line that starts
/// with "." gets one more "."; the response ends with ".", CRLF), and optionally stops after the
/// header and a number of body lines (TOP, RFC 1939 §7). Stateful across chunks, so the content is
/// never assembled in one buffer.
/// </summary>
internal sealed class DotStuffer
{
    /// <summary>Largest buffer requested from the output at once.</summary>
    private const int MaxSpanHint = 64 * 1024;

    private readonly IBufferWriter<byte> _output;
    private readonly bool _limitLines;
    private long _bodyLinesLeft;
    private bool _inBody;
    private bool _atLineStart = true;
    private int _lineBytes;
    private byte _lastByte;

    /// <summary>Stuffs everything written.</summary>
    public DotStuffer(IBufferWriter<byte> output)
    {
        _output = output;
    }

    /// <summary>Stuffs the header, the blank line after it and at most <paramref name="bodyLines"/> body lines (TOP).</summary>
    public DotStuffer(IBufferWriter<byte> output, long bodyLines)
        : this(output)
    {
        _limitLines = true;
        _bodyLinesLeft = bodyLines;
    }

    /// <summary>True once TOP's line budget is used up; further input is ignored.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Stuffs one chunk of message content.</summary>
    public void Write(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        if (!_limitLines)
        {
            WriteAll(input);
            return;
        }

        while (!input.IsEmpty && !IsComplete)
        {
            var lf = input.IndexOf((byte)'\n');
            var segment = lf < 0 ? input : input[..(lf + 1)];
            if (_atLineStart && segment[0] == (byte)'.')
            {
                _output.Write("."u8);
            }

            _output.Write(segment);
            if (lf < 0)
            {
                // A partial line: remember enough to tell a blank line ("\r\n") when its LF comes.
                _atLineStart = false;
                _lineBytes = Math.Min(_lineBytes + segment.Length, 2);
                _lastByte = segment[^1];
                return;
            }

            if (_limitLines)
            {
                var before = _lineBytes + lf;
                var previous = lf > 0 ? input[lf - 1] : _lastByte;
                CountLine(before == 0 || (before == 1 && previous == (byte)'\r'));
            }

            _atLineStart = true;
            _lineBytes = 0;
            input = input[segment.Length..];
        }
    }

    /// <summary>
    /// RETR: copies runs between "LF ." pairs in one piece (a vectorised search), instead of line by
    /// line, so the usual message costs one copy per chunk.
    /// </summary>
    private void WriteAll(ReadOnlySpan<byte> input)
    {
        if (_atLineStart && input[0] == (byte)'.')
        {
            _output.Write("."u8);
        }

        while (true)
        {
            var at = input.IndexOf("\n."u8);
            if (at < 0)
            {
                Copy(input);
                _atLineStart = input[^1] == (byte)'\n';
                return;
            }

            // Up to and including the LF, then the extra dot; the line's own dot starts the next run.
            Copy(input[..(at + 1)]);
            _output.Write("."u8);
            input = input[(at + 1)..];
        }
    }

    /// <summary>
    /// Copies with a size hint, so a pipe writer hands out one large buffer for a large run instead
    /// of filling its default small segments (each of which becomes a separate socket write).
    /// </summary>
    private void Copy(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var span = _output.GetSpan(Math.Min(data.Length, MaxSpanHint));
            var count = Math.Min(span.Length, data.Length);
            data[..count].CopyTo(span);
            _output.Advance(count);
            data = data[count..];
        }
    }

    /// <summary>
    /// Ends the response: a CRLF if the content did not end with a line ending (the terminator must
    /// start a line), then ".", CRLF.
    /// </summary>
    public void Complete()
    {
        _output.Write(_atLineStart ? ".\r\n"u8 : "\r\n.\r\n"u8);
    }

    private void CountLine(bool blank)
    {
        if (!_inBody)
        {
            // RFC 5322 §2.1: the first empty line ends the header section.
            if (blank)
            {
                _inBody = true;
                IsComplete = _bodyLinesLeft == 0;
            }

            return;
        }

        IsComplete = --_bodyLinesLeft == 0;
    }
}
