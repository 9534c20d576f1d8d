// SPDX-License-Identifier: MIT
using System;
using System.Buffers;

namespace WildDuck.Imap.Protocol;

/// <summary>
/// A pure, bounded, resumable IMAP command framer: it finds where a command ends (a line, or a
/// line with literals, RFC 3501 §2.2 and §4.3), enforces <see cref="ImapLimits"/>, and never
/// buffers or copies anything itself.
/// </summary>
/// <remarks>
/// <para>Literal syntax: <c>{n}</c> (synchronising, RFC 3501 §4.3), <c>{n+}</c> (non-synchronising,
/// RFC 7888), <c>~{n}</c> (literal8, RFC 3516 §4.1); a literal announcement is always the last thing
/// on its line. Each announcement is handed to the caller, which accepts it inline
/// (<see cref="ImapFrameState.AcceptLiteral"/>), streams it (<see cref="ImapFrameState.LiteralConsumedExternally"/>)
/// or rejects it (<see cref="ImapFrameState.RejectLiteral"/>).</para>
/// <para>A line terminator is LF with an optional preceding CR (bare LF is tolerated, as by most servers).</para>
/// </remarks>
internal sealed class ImapFramer
{
    private const int TagScanLimit = 64;
    private const int LiteralTailWindow = 32;

    /// <summary>
    /// Bytes at the end of an unfinished line that a caller must keep in the buffer when it moves
    /// framed bytes out (<see cref="ImapFrameState.Rebase"/>): the literal announcement and CR
    /// checks look back this far from the line end.
    /// </summary>
    public const int RebaseReserve = LiteralTailWindow + 1;

    private readonly ImapLimits _limits;

    /// <summary>Creates a framer over <paramref name="limits"/>.</summary>
    public ImapFramer(ImapLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = limits;
    }

    /// <summary>The limits in force.</summary>
    public ImapLimits Limits => _limits;

    /// <summary>
    /// Frames the next unit from <paramref name="buffer"/>, which starts at the first byte the
    /// caller has not consumed.
    /// </summary>
    /// <param name="state">The resumable state of the connection.</param>
    /// <param name="buffer">Unconsumed input.</param>
    /// <param name="consumed">Bytes before this position are done with.</param>
    /// <param name="examined">Bytes before this position were looked at; with NeedMoreData it is the end.</param>
    /// <param name="frame">Details of the outcome.</param>
    /// <returns>The outcome.</returns>
    public FrameStatus TryFrame(ref ImapFrameState state, in ReadOnlySequence<byte> buffer, out SequencePosition consumed, out SequencePosition examined, out ImapFrame frame)
    {
        var input = buffer;
        while (true)
        {
            switch (state._phase)
            {
                case ImapFrameState.Phase.Skip:
                {
                    var take = Math.Min(state._skipRemaining, input.Length);
                    state._skipRemaining -= take;
                    if (state._skipRemaining > 0)
                    {
                        // Discarding: these bytes are consumed, not kept.
                        consumed = examined = input.End;
                        frame = default;
                        return FrameStatus.NeedMoreData;
                    }

                    input = input.Slice(take);
                    if (state._discardAfterSkip)
                    {
                        state.Reset();
                        state._phase = ImapFrameState.Phase.Discard;
                    }
                    else
                    {
                        state.Reset();
                    }

                    continue;
                }

                case ImapFrameState.Phase.Discard:
                {
                    var lf = input.PositionOf((byte)'\n');
                    if (lf is null)
                    {
                        consumed = examined = input.End;
                        frame = default;
                        return FrameStatus.NeedMoreData;
                    }

                    input = input.Slice(input.GetPosition(1, lf.Value));
                    state.Reset();
                    continue;
                }

                case ImapFrameState.Phase.Announced:
                    return Announce(ref state, input, out consumed, out examined, out frame);

                case ImapFrameState.Phase.Literal:
                {
                    var available = input.Length - state._scan;
                    if (available < state._literalRemaining)
                    {
                        state._literalRemaining -= available;
                        state._scan = input.Length;
                        consumed = input.Start;
                        examined = input.End; // everything seen: wake only when more bytes arrive
                        frame = default;
                        return FrameStatus.NeedMoreData;
                    }

                    state._scan += state._literalRemaining;
                    state._literalRemaining = 0;
                    state._lineStart = state._scan;
                    state._phase = ImapFrameState.Phase.Line;
                    continue;
                }

                default:
                    return FrameLine(ref state, input, out consumed, out examined, out frame);
            }
        }
    }

    private FrameStatus FrameLine(ref ImapFrameState state, in ReadOnlySequence<byte> input, out SequencePosition consumed, out SequencePosition examined, out ImapFrame frame)
    {
        long maxLine = state.IsAuthenticated ? _limits.MaxLineLength : _limits.MaxLineLengthPreAuth;

        // Bound the search first (Kestrel's TakeStartLine): the LF may be at most at
        // lineStart + maxLine - 1, so look no further than that.
        var windowLength = Math.Min(input.Length - state._scan, state._lineStart + maxLine - state._scan);
        long lfOffset = -1;
        if (windowLength > 0)
        {
            var reader = new SequenceReader<byte>(input.Slice(state._scan, windowLength));
            if (reader.TryAdvanceTo((byte)'\n', advancePastDelimiter: true))
            {
                lfOffset = state._scan + reader.Consumed - 1;
            }
        }

        if (lfOffset < 0)
        {
            if (input.Length - state._lineStart > maxLine)
            {
                return Fail(ref state, input, FrameError.LineTooLong, out consumed, out examined, out frame);
            }

            if (state._base + input.Length > _limits.MaxCommandSize)
            {
                return Fail(ref state, input, FrameError.CommandTooLarge, out consumed, out examined, out frame);
            }

            state._scan = input.Length;
            consumed = input.Start;
            examined = input.End; // scanned everything: don't wake until more bytes arrive
            frame = default;
            return FrameStatus.NeedMoreData;
        }

        var lineEnd = lfOffset + 1;
        state._scan = lineEnd;
        if (state._base + lineEnd > _limits.MaxCommandSize)
        {
            return FailAfterLine(ref state, input, lineEnd, FrameError.CommandTooLarge, FrameRecovery.SkipLine, 0, out consumed, out examined, out frame);
        }

        var terminatorLength = lfOffset > Math.Max(state._lineStart, 0) && ByteAt(input, lfOffset - 1) == (byte)'\r' ? 2 : 1;
        var contentEnd = lineEnd - terminatorLength;
        var literal = ParseLiteralTail(input, state._lineStart, contentEnd, out var size, out var nonSync, out var binary, out var braceEnd);
        if (literal == LiteralTail.None)
        {
            frame = new ImapFrame { Command = input.Slice(0, contentEnd), IsContinuation = state._continuation };
            consumed = examined = input.GetPosition(lineEnd);
            state.Reset();
            return FrameStatus.Complete;
        }

        if (literal == LiteralTail.Invalid)
        {
            return FailAfterLine(ref state, input, lineEnd, FrameError.InvalidLiteral, FrameRecovery.SkipLine, 0, out consumed, out examined, out frame);
        }

        state._literals++;
        if (state._literals > _limits.MaxLiteralsPerCommand)
        {
            return FailAfterLine(ref state, input, lineEnd, FrameError.TooManyLiterals, nonSync ? FrameRecovery.SkipLiteralThenLine : FrameRecovery.SkipLine, nonSync ? size : 0, out consumed, out examined, out frame);
        }

        if (nonSync && size > _limits.MaxNonSyncLiteral)
        {
            // RFC 7888 §4: reject with BAD; the client sends the literal anyway, so skip it.
            return FailAfterLine(ref state, input, lineEnd, FrameError.LiteralTooLarge, FrameRecovery.SkipLiteralThenLine, size, out consumed, out examined, out frame);
        }

        state._phase = ImapFrameState.Phase.Announced;
        state._announceEnd = braceEnd;
        state._pendingSize = size;
        state._pendingNonSync = nonSync;
        state._pendingBinary = binary;
        state._pendingFits = size <= _limits.MaxInlineLiteralSize && state._base + lineEnd + size <= _limits.MaxCommandSize;
        return Announce(ref state, input, out consumed, out examined, out frame);
    }

    private static FrameStatus Announce(ref ImapFrameState state, in ReadOnlySequence<byte> input, out SequencePosition consumed, out SequencePosition examined, out ImapFrame frame)
    {
        var literalStart = input.GetPosition(state._scan);
        frame = new ImapFrame
        {
            Command = input.Slice(0, state._announceEnd),
            LiteralStart = literalStart,
            LiteralSize = state._pendingSize,
            LiteralNonSync = state._pendingNonSync,
            LiteralBinary = state._pendingBinary,
            LiteralFitsInline = state._pendingFits,
            IsContinuation = state._continuation,
        };
        consumed = input.Start;
        examined = literalStart;
        return FrameStatus.LiteralAnnounced;
    }

    private static FrameStatus Fail(ref ImapFrameState state, in ReadOnlySequence<byte> input, FrameError error, out SequencePosition consumed, out SequencePosition examined, out ImapFrame frame)
    {
        // No line end within the limit: drop through the next LF if it is already here, otherwise
        // drop everything and keep dropping until it arrives.
        frame = new ImapFrame { Error = error, Recovery = FrameRecovery.SkipLine, Tag = state._base == 0 ? FindTag(input) : default };
        var lf = input.Slice(state._scan).PositionOf((byte)'\n');
        state.Reset();
        if (lf is null)
        {
            consumed = examined = input.End;
            state._phase = ImapFrameState.Phase.Discard;
        }
        else
        {
            consumed = examined = input.GetPosition(1, lf.Value);
        }

        return FrameStatus.Error;
    }

    private static FrameStatus FailAfterLine(ref ImapFrameState state, in ReadOnlySequence<byte> input, long lineEnd, FrameError error, FrameRecovery recovery, long skip, out SequencePosition consumed, out SequencePosition examined, out ImapFrame frame)
    {
        frame = new ImapFrame { Error = error, Recovery = recovery, Tag = state._base == 0 ? FindTag(input.Slice(0, lineEnd)) : default };
        consumed = examined = input.GetPosition(lineEnd);
        state.Reset();
        if (recovery == FrameRecovery.SkipLiteralThenLine)
        {
            state._phase = ImapFrameState.Phase.Skip;
            state._skipRemaining = skip;
            state._discardAfterSkip = true;
        }

        return FrameStatus.Error;
    }

    private enum LiteralTail
    {
        None,
        Literal,
        Invalid,
    }

    private static LiteralTail ParseLiteralTail(in ReadOnlySequence<byte> input, long lineStart, long contentEnd, out long size, out bool nonSync, out bool binary, out long braceEnd)
    {
        size = 0;
        nonSync = binary = false;
        braceEnd = contentEnd;
        // After a rebase the line may start before the buffer; the caller keeps RebaseReserve bytes.
        lineStart = Math.Max(lineStart, 0);
        var length = (int)Math.Min(LiteralTailWindow, contentEnd - lineStart);
        if (length <= 0)
        {
            return LiteralTail.None;
        }

        Span<byte> tail = stackalloc byte[LiteralTailWindow];
        tail = tail[..length];
        input.Slice(contentEnd - length, length).CopyTo(tail);
        if (tail[^1] != (byte)'}')
        {
            return LiteralTail.None;
        }

        var i = length - 2;
        while (i >= 0 && (IsDigit(tail[i]) || tail[i] == (byte)'+'))
        {
            i--;
        }

        if (i < 0 || tail[i] != (byte)'{')
        {
            // "}" is an ordinary atom character (RFC 3501 §9 atom-specials do not list it).
            return LiteralTail.None;
        }

        var body = tail[(i + 1)..^1];
        if (body.Length > 0 && body[^1] == (byte)'+')
        {
            nonSync = true;
            body = body[..^1];
        }

        if (body.Length == 0 || body.Length > 10)
        {
            return LiteralTail.Invalid;
        }

        ulong value = 0;
        foreach (var b in body)
        {
            if (!IsDigit(b))
            {
                return LiteralTail.Invalid;
            }

            value = (value * 10) + (uint)(b - '0');
        }

        // RFC 3501 §9: number is a 32-bit unsigned value.
        if (value > uint.MaxValue)
        {
            return LiteralTail.Invalid;
        }

        size = (long)value;
        binary = i > 0 ? tail[i - 1] == (byte)'~' : (contentEnd - length - 1 >= lineStart && ByteAt(input, contentEnd - length - 1) == (byte)'~');
        return LiteralTail.Literal;
    }

    /// <summary>The leading tag of <paramref name="line"/> (RFC 3501 §9 tag), or empty when none can be read.</summary>
    internal static ReadOnlySequence<byte> FindTag(in ReadOnlySequence<byte> line)
    {
        var reader = new SequenceReader<byte>(line);
        long n = 0;
        while (n < TagScanLimit && reader.TryRead(out var b))
        {
            if (b == (byte)' ')
            {
                return n == 0 ? default : line.Slice(0, n);
            }

            if (!ImapCharClass.IsTagChar(b))
            {
                return default;
            }

            n++;
        }

        return default;
    }

    private static byte ByteAt(in ReadOnlySequence<byte> input, long offset)
    {
        var slice = input.Slice(offset, 1);
        return slice.FirstSpan[0];
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
