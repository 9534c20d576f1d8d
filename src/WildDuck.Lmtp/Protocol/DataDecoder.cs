// SPDX-License-Identifier: MIT
using System;
using System.Buffers;

namespace WildDuck.Lmtp.Protocol;

/// <summary>Where <see cref="DataDecoder"/> stands between two reads.</summary>
internal enum DataDecoderState : byte
{
    /// <summary>At the start of a line (also the start of the message).</summary>
    LineStart,

    /// <summary>A line began with a dot.</summary>
    Dot,

    /// <summary>A line began with dot, CR.</summary>
    DotCr,

    /// <summary>Inside a line.</summary>
    InLine,

    /// <summary>After a CR inside a line.</summary>
    Cr,

    /// <summary>The terminator <c>CRLF . CRLF</c> has been read.</summary>
    Done,
}

/// <summary>
/// Decodes the DATA stream (RFC 5321 §4.1.1.4): removes the leading dot of dot-stuffed lines
/// (§4.5.2) and stops after the terminating <c>.</c> CRLF line, resuming across any buffer split
/// from a one-byte state. Everything it is given up to the terminator is consumed.
/// </summary>
/// <remarks>
/// Only CRLF ends a line (RFC 5321 §2.3.8). A bare LF or bare CR is content: it neither starts a line
/// for dot-unstuffing nor can it form the terminator, so <c>LF . LF</c> or <c>LF . CRLF</c> cannot
/// end the message early ("SMTP smuggling"). Such bytes are passed to the store unchanged, which
/// normalises line endings to CRLF on ingest. The CRLF before the terminating dot belongs to the
/// message; the message starts at a line start, so a lone <c>.</c> CRLF is the empty message.
/// </remarks>
internal struct DataDecoder
{
    private DataDecoderState _state;

    public readonly DataDecoderState State => _state;

    public readonly bool IsComplete => _state == DataDecoderState.Done;

    public void Reset() => _state = DataDecoderState.LineStart;

    /// <summary>Decodes from <paramref name="buffer"/>; returns the position after what was consumed (its end unless the terminator was found).</summary>
    public SequencePosition Decode(in ReadOnlySequence<byte> buffer, MessageBuffer output)
    {
        long offset = 0;
        foreach (var segment in buffer)
        {
            var used = Decode(segment.Span, output);
            offset += used;
            if (_state == DataDecoderState.Done)
            {
                return buffer.GetPosition(offset);
            }
        }

        return buffer.End;
    }

    /// <summary>Decodes from <paramref name="input"/>; returns the bytes consumed (all of them unless the terminator was found).</summary>
    public int Decode(ReadOnlySpan<byte> input, MessageBuffer output)
    {
        var i = 0;
        while (i < input.Length)
        {
            switch (_state)
            {
                case DataDecoderState.LineStart:
                    if (input[i] == (byte)'.')
                    {
                        _state = DataDecoderState.Dot;
                        i++;
                    }
                    else
                    {
                        _state = DataDecoderState.InLine;
                    }

                    break;

                case DataDecoderState.Dot:
                    if (input[i] == (byte)'\r')
                    {
                        _state = DataDecoderState.DotCr;
                        i++;
                    }
                    else
                    {
                        // RFC 5321 §4.5.2: a line starting with a dot and having more characters
                        // loses that dot.
                        _state = DataDecoderState.InLine;
                    }

                    break;

                case DataDecoderState.DotCr:
                    if (input[i] == (byte)'\n')
                    {
                        _state = DataDecoderState.Done;
                        return i + 1;
                    }

                    // ".<CR>x": not the terminator; the dot goes, the CR is content.
                    output.Write((byte)'\r');
                    _state = DataDecoderState.Cr;
                    break;

                case DataDecoderState.InLine:
                    var rest = input[i..];
                    var cr = rest.IndexOf((byte)'\r');
                    if (cr < 0)
                    {
                        output.Write(rest);
                        return input.Length;
                    }

                    output.Write(rest[..(cr + 1)]);
                    i += cr + 1;
                    _state = DataDecoderState.Cr;
                    break;

                case DataDecoderState.Cr:
                    if (input[i] == (byte)'\n')
                    {
                        output.Write((byte)'\n');
                        i++;
                        _state = DataDecoderState.LineStart;
                    }
                    else
                    {
                        _state = DataDecoderState.InLine;
                    }

                    break;

                default:
                    return i;
            }
        }

        return i;
    }
}
