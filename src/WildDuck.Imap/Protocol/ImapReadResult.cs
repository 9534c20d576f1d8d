// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Imap.Protocol;

/// <summary>What <see cref="ImapFrameReader.ReadAsync"/> returned.</summary>
internal enum ImapReadKind
{
    /// <summary>A complete command in <see cref="ImapReadResult.Command"/>.</summary>
    Command,

    /// <summary>A literal announcement the session must accept, stream or reject.</summary>
    LiteralAnnounced,

    /// <summary>A framing error; answer BAD (tagged when <see cref="ImapReadResult.Tag"/> is known) and read on.</summary>
    Error,

    /// <summary>The client closed its side; <see cref="ImapReadResult.HasPartialCommand"/> says whether a command was cut off.</summary>
    EndOfStream,

    /// <summary>The pending read was cancelled through <c>PipeReader.CancelPendingRead</c> (a timeout).</summary>
    Canceled,
}

/// <summary>
/// One result of <see cref="ImapFrameReader"/>. <see cref="Command"/> points into the reader's
/// per-connection buffer and is valid until the next call on the reader.
/// </summary>
internal readonly struct ImapReadResult
{
    /// <summary>The kind.</summary>
    public ImapReadKind Kind { get; init; }

    /// <summary>
    /// <see cref="ImapReadKind.Command"/>: the command without its final CRLF, inline literals as sent.
    /// <see cref="ImapReadKind.LiteralAnnounced"/>: the command so far through the announcement's <c>}</c>.
    /// </summary>
    public ReadOnlyMemory<byte> Command { get; init; }

    /// <summary>Announced literal size.</summary>
    public long LiteralSize { get; init; }

    /// <summary>True for <c>{n+}</c>: no continuation request is expected (RFC 7888).</summary>
    public bool LiteralNonSync { get; init; }

    /// <summary>True for literal8 <c>~{n}</c> (RFC 3516).</summary>
    public bool LiteralBinary { get; init; }

    /// <summary>True when the literal may be accepted inline (<see cref="ImapFrameReader.AcceptLiteralAsync"/>).</summary>
    public bool LiteralFitsInline { get; init; }

    /// <summary>True when this is the rest of a line after a literal the session streamed (APPEND).</summary>
    public bool IsContinuation { get; init; }

    /// <summary>The framing error.</summary>
    public FrameError Error { get; init; }

    /// <summary>How the reader resynchronises after <see cref="Error"/>.</summary>
    public FrameRecovery Recovery { get; init; }

    /// <summary>The tag of the failed command, or null when it could not be read (answer <c>* BAD</c>).</summary>
    public string? Tag { get; init; }

    /// <summary>For <see cref="ImapReadKind.EndOfStream"/>: bytes of an unfinished command were pending.</summary>
    public bool HasPartialCommand { get; init; }
}
