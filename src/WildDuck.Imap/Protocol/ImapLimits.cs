// SPDX-License-Identifier: MIT
namespace WildDuck.Imap.Protocol;

/// <summary>
/// Bounds for everything the IMAP framer buffers. Every limit exists so that a client cannot make
/// the server buffer unbounded input; an input over a limit gets a specific tagged BAD.
/// </summary>
/// <remarks>
/// RFC 9051 §4.3 lets a server limit literal sizes; RFC 7888 §4 fixes LITERAL- non-synchronising
/// literals at 4096 octets. Keep <see cref="MaxCommandSize"/> below the transport pipe's
/// <c>PauseWriterThreshold</c> only if the frame reader's progressive copy is disabled; the
/// reader in this package moves framed bytes into its own lease, so the pipe never holds more
/// than one read's worth of a command.
/// </remarks>
public sealed class ImapLimits
{
    /// <summary>
    /// Longest command line segment (text between literals, CRLF included) before authentication.
    /// Default 8 KiB: pre-auth clients only send short commands; this stops anonymous memory abuse.
    /// </summary>
    public int MaxLineLengthPreAuth { get; set; } = 8 * 1024;

    /// <summary>
    /// Longest command line segment (CRLF included) after authentication. Default 64 KiB: long
    /// UID sets in UID FETCH/STORE from big mailboxes need room; anything longer is abuse.
    /// </summary>
    public int MaxLineLength { get; set; } = 64 * 1024;

    /// <summary>
    /// Largest literal that is framed into the command itself (all commands but a streamed APPEND
    /// body). Default 64 KiB: stops a client from making the server buffer a huge string argument.
    /// </summary>
    public long MaxInlineLiteralSize { get; set; } = 64 * 1024;

    /// <summary>Most literals in one command. Default 1,000: bounds per-literal bookkeeping and round trips.</summary>
    public int MaxLiteralsPerCommand { get; set; } = 1000;

    /// <summary>
    /// Largest command, line bytes plus inline literal payloads. Default 1 MiB: bounds the
    /// per-connection command buffer whatever the mix of lines and literals.
    /// </summary>
    public long MaxCommandSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Largest non-synchronising literal (<c>{n+}</c>) the framer accepts. Default 4,096 (the
    /// LITERAL- bound, RFC 7888 §4); <c>AddImap</c> raises it to <c>ImapOptions.AppendLimit</c>
    /// because the server advertises LITERAL+ and APPEND checks the size itself. Stops a client
    /// from pushing a payload larger than the server ever agreed to receive.
    /// </summary>
    public long MaxNonSyncLiteral { get; set; } = 4096;

    /// <summary>The defaults.</summary>
    public static ImapLimits Default { get; } = new();
}
