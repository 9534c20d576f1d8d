// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Imap.Protocol;

/// <summary>
/// The resumable position of <see cref="ImapFramer"/> inside one command, kept by the connection
/// between reads so that a command arriving in pieces is scanned once.
/// </summary>
/// <remarks>
/// Offsets are relative to the start of the buffer the caller passes, which is the first byte the
/// caller has not consumed. A caller that moves framed bytes elsewhere before the command is
/// complete (the frame reader does, to keep the pipe small) reports it with <see cref="Rebase"/>.
/// </remarks>
internal struct ImapFrameState
{
    internal enum Phase : byte
    {
        Line,
        Literal,
        Announced,
        Skip,
        Discard,
    }

    internal Phase _phase;
    internal long _scan;
    internal long _lineStart;
    internal long _base;
    internal int _literals;
    internal long _literalRemaining;
    internal long _skipRemaining;
    internal bool _discardAfterSkip;
    internal long _announceEnd;
    internal long _pendingSize;
    internal bool _pendingNonSync;
    internal bool _pendingBinary;
    internal bool _pendingFits;
    internal bool _continuation;

    /// <summary>
    /// True once the session is authenticated: selects <see cref="ImapLimits.MaxLineLength"/>
    /// instead of <see cref="ImapLimits.MaxLineLengthPreAuth"/>.
    /// </summary>
    public bool IsAuthenticated { get; set; }

    /// <summary>True while a literal announcement waits for the caller's decision.</summary>
    public readonly bool IsLiteralPending => _phase == Phase.Announced;

    /// <summary>True while the framer is skipping input after an error.</summary>
    public readonly bool IsRecovering => _phase is Phase.Skip or Phase.Discard;

    /// <summary>Bytes of the current command framed so far (including bytes moved out by <see cref="Rebase"/>).</summary>
    public readonly long CommandBytes => _base + _scan;

    /// <summary>
    /// Frames the announced literal into the command: the framer then expects exactly that many
    /// payload bytes, then more line. Only for announcements with <see cref="ImapFrame.LiteralFitsInline"/>.
    /// </summary>
    public void AcceptLiteral()
    {
        if (_phase != Phase.Announced || !_pendingFits)
        {
            ThrowInvalidState();
        }

        _phase = Phase.Literal;
        _literalRemaining = _pendingSize;
    }

    /// <summary>
    /// The caller consumed the announcement line and then exactly the literal's bytes itself (an
    /// APPEND body it streamed). Framing resumes at the rest of the line, reported with
    /// <see cref="ImapFrame.IsContinuation"/>; the caller's buffer must now start just after the literal.
    /// </summary>
    public void LiteralConsumedExternally()
    {
        if (_phase != Phase.Announced)
        {
            ThrowInvalidState();
        }

        var literals = _literals;
        var authenticated = IsAuthenticated;
        this = default;
        IsAuthenticated = authenticated;
        _literals = literals;
        _continuation = true;
    }

    /// <summary>
    /// The caller refuses the announced literal (it answered BAD/NO). For a synchronising literal
    /// the client sends nothing more for this command, so the announcement line is dropped; for a
    /// non-synchronising one its bytes and the rest of its line are skipped as well. The caller's
    /// buffer must still start where it started when the literal was announced.
    /// </summary>
    public void RejectLiteral()
    {
        if (_phase != Phase.Announced)
        {
            ThrowInvalidState();
        }

        var nonSync = _pendingNonSync;
        var skip = _scan + (nonSync ? _pendingSize : 0);
        var authenticated = IsAuthenticated;
        this = default;
        IsAuthenticated = authenticated;
        _phase = Phase.Skip;
        _skipRemaining = skip;
        _discardAfterSkip = nonSync;
    }

    /// <summary>
    /// Tells the framer the caller removed <paramref name="count"/> already-framed bytes from the
    /// front of its buffer (copied them to its own storage) without completing the command.
    /// </summary>
    public void Rebase(long count)
    {
        if (count < 0 || count > _scan || _phase is Phase.Skip or Phase.Discard)
        {
            ThrowInvalidState();
        }

        _scan -= count;
        _lineStart -= count;
        _announceEnd -= count;
        _base += count;
    }

    /// <summary>Starts a new command, keeping <see cref="IsAuthenticated"/>.</summary>
    internal void Reset()
    {
        var authenticated = IsAuthenticated;
        this = default;
        IsAuthenticated = authenticated;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowInvalidState() =>
        throw new InvalidOperationException("The framer is not in a state that allows this call.");
}
