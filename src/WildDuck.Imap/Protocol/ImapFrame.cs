// SPDX-License-Identifier: MIT
using System;
using System.Buffers;

namespace WildDuck.Imap.Protocol;

/// <summary>
/// What <see cref="ImapFramer.TryFrame"/> found. Sequences are slices of the caller's buffer and
/// are valid only until the caller advances its reader.
/// </summary>
internal readonly struct ImapFrame
{
    /// <summary>
    /// <see cref="FrameStatus.Complete"/>: the command (inline literals included exactly as sent),
    /// without the final line terminator. <see cref="FrameStatus.LiteralAnnounced"/>: the command so
    /// far, through the closing <c>}</c> of the announcement.
    /// </summary>
    public ReadOnlySequence<byte> Command { get; init; }

    /// <summary>Where the announced literal's payload starts (just after the announcement's line terminator).</summary>
    public SequencePosition LiteralStart { get; init; }

    /// <summary>The announced literal's size in octets.</summary>
    public long LiteralSize { get; init; }

    /// <summary>True for a non-synchronising literal <c>{n+}</c> (RFC 7888): the client sends it without waiting.</summary>
    public bool LiteralNonSync { get; init; }

    /// <summary>True for a literal8 <c>~{n}</c> (RFC 3516): the payload may contain NUL.</summary>
    public bool LiteralBinary { get; init; }

    /// <summary>True when <see cref="ImapFrameState.AcceptLiteral"/> is allowed: the literal fits the inline and command limits.</summary>
    public bool LiteralFitsInline { get; init; }

    /// <summary>
    /// True when this frame continues a command whose previous literal the caller consumed itself
    /// (<see cref="ImapFrameState.LiteralConsumedExternally"/>): the bytes are the rest of that line.
    /// </summary>
    public bool IsContinuation { get; init; }

    /// <summary>The error, for <see cref="FrameStatus.Error"/>.</summary>
    public FrameError Error { get; init; }

    /// <summary>How the framer gets back in step after <see cref="Error"/>.</summary>
    public FrameRecovery Recovery { get; init; }

    /// <summary>The command's tag when it could be read from the buffer (errors only); empty otherwise.</summary>
    public ReadOnlySequence<byte> Tag { get; init; }
}
