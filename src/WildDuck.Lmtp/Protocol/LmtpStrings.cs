// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Lmtp.Protocol;

/// <summary>Protocol tokens and fixed replies as UTF-8 literals: the one home for LMTP bytes.</summary>
/// <remarks>
/// Every reply but the greeting, the LHLO response and the 354 go-ahead carries an enhanced status
/// code (RFC 2034 §3, RFC 3463); 354 is an intermediate reply for which RFC 3463 defines no class.
/// </remarks>
internal static class LmtpStrings
{
    public static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    public static ReadOnlySpan<byte> Lhlo => "LHLO"u8;

    public static ReadOnlySpan<byte> Helo => "HELO"u8;

    public static ReadOnlySpan<byte> Ehlo => "EHLO"u8;

    public static ReadOnlySpan<byte> Mail => "MAIL"u8;

    public static ReadOnlySpan<byte> Rcpt => "RCPT"u8;

    public static ReadOnlySpan<byte> Data => "DATA"u8;

    public static ReadOnlySpan<byte> Bdat => "BDAT"u8;

    public static ReadOnlySpan<byte> Rset => "RSET"u8;

    public static ReadOnlySpan<byte> Noop => "NOOP"u8;

    public static ReadOnlySpan<byte> Quit => "QUIT"u8;

    public static ReadOnlySpan<byte> Vrfy => "VRFY"u8;

    public static ReadOnlySpan<byte> Help => "HELP"u8;

    public static ReadOnlySpan<byte> StartTls => "STARTTLS"u8;

    public static ReadOnlySpan<byte> From => "FROM:"u8;

    public static ReadOnlySpan<byte> To => "TO:"u8;

    public static ReadOnlySpan<byte> Last => "LAST"u8;

    public static ReadOnlySpan<byte> Size => "SIZE"u8;

    public static ReadOnlySpan<byte> Body => "BODY"u8;

    public static ReadOnlySpan<byte> SmtpUtf8 => "SMTPUTF8"u8;

    public static ReadOnlySpan<byte> SevenBit => "7BIT"u8;

    public static ReadOnlySpan<byte> EightBitMime => "8BITMIME"u8;

    public static ReadOnlySpan<byte> BinaryMime => "BINARYMIME"u8;

    public static ReadOnlySpan<byte> Postmaster => "postmaster"u8;

    /// <summary>The LHLO keywords after the host name line (RFC 2033 §4.1, RFC 1869 §4.3).</summary>
    public static ReadOnlySpan<byte> Capabilities => "250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-CHUNKING\r\n250-BINARYMIME\r\n"u8;

    public static ReadOnlySpan<byte> StartTlsCapability => "250-STARTTLS\r\n"u8;

    public static ReadOnlySpan<byte> SizeCapability => "250 SIZE "u8;

    public static ReadOnlySpan<byte> Line(LmtpReply reply) => reply switch
    {
        LmtpReply.Ok => "250 2.0.0 Ok\r\n"u8,
        LmtpReply.SenderOk => "250 2.1.0 Sender ok\r\n"u8,
        LmtpReply.Flushed => "250 2.0.0 Flushed\r\n"u8,

        // RFC 5321 §4.2.2 / §4.1.1.4.
        LmtpReply.StartMailInput => "354 Start mail input; end with <CRLF>.<CRLF>\r\n"u8,
        LmtpReply.Bye => "221 2.0.0 Bye\r\n"u8,
        LmtpReply.Help => "214 2.0.0 Commands: LHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP\r\n"u8,

        // RFC 5321 §3.5.3: 252 says "cannot verify, will try".
        LmtpReply.VrfyCannot => "252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery\r\n"u8,
        LmtpReply.VrfyDisabled => "502 5.5.1 VRFY command is disabled\r\n"u8,

        // RFC 3207 §4.
        LmtpReply.StartTlsReady => "220 2.0.0 Ready to start TLS\r\n"u8,
        LmtpReply.StartTlsUnavailable => "454 4.7.0 TLS not available\r\n"u8,
        LmtpReply.CommandUnrecognized => "500 5.5.1 Command unrecognized\r\n"u8,

        // RFC 2033 §4.1: LMTP servers must not accept HELO or EHLO.
        LmtpReply.HeloRefused => "500 5.5.1 This is an LMTP server, use LHLO\r\n"u8,

        // RFC 5321 §4.5.3.1.4 (line length); X.5.6 is the "line too long" code RFC 4954 §6 registered.
        LmtpReply.LineTooLong => "500 5.5.6 Line too long\r\n"u8,
        LmtpReply.SyntaxError => "501 5.5.2 Syntax error\r\n"u8,
        LmtpReply.InvalidArguments => "501 5.5.4 Invalid command arguments\r\n"u8,

        // RFC 3463: X.1.3 bad destination address syntax, X.1.7 bad sender address syntax.
        LmtpReply.BadRecipientAddress => "501 5.1.3 Bad recipient address syntax\r\n"u8,
        LmtpReply.BadSenderAddress => "501 5.1.7 Bad sender address syntax\r\n"u8,

        // RFC 6531 §3.5 / RFC 6533: non-ASCII address without SMTPUTF8.
        LmtpReply.Utf8Required => "553 5.6.7 Non-ASCII address requires SMTPUTF8\r\n"u8,

        // RFC 5321 §4.1.1.11 / §4.3.2.
        LmtpReply.UnknownParameter => "555 5.5.4 Unsupported parameter\r\n"u8,
        LmtpReply.NeedLhlo => "503 5.5.1 Send LHLO first\r\n"u8,
        LmtpReply.NeedMail => "503 5.5.1 Need MAIL command\r\n"u8,
        LmtpReply.NestedMail => "503 5.5.1 Sender already specified\r\n"u8,

        // RFC 2033 §4.2: with no successful RCPT, DATA must fail with 503.
        LmtpReply.NoRecipients => "503 5.5.1 No valid recipients\r\n"u8,

        // RFC 3030 §3: a BINARYMIME body must be sent with BDAT.
        LmtpReply.BinaryMimeNeedsBdat => "503 5.5.1 BODY=BINARYMIME requires BDAT\r\n"u8,
        LmtpReply.DataDuringBdat => "503 5.5.1 DATA not allowed after BDAT\r\n"u8,
        LmtpReply.RcptDuringBdat => "503 5.5.1 RCPT not allowed after BDAT\r\n"u8,

        // RFC 5321 §4.5.3.1.10.
        LmtpReply.TooManyRecipients => "452 4.5.3 Too many recipients\r\n"u8,

        // RFC 1870 §6.1 / RFC 3463 X.3.4.
        LmtpReply.SizeExceeded => "552 5.3.4 Message size exceeds fixed maximum message size\r\n"u8,
        LmtpReply.TooManyErrors => "421 4.7.0 Too many errors, closing connection\r\n"u8,
        LmtpReply.Timeout => "421 4.4.2 Timeout exceeded, closing connection\r\n"u8,
        LmtpReply.ShuttingDown => "421 4.3.2 Server shutting down\r\n"u8,
        LmtpReply.LocalError => "451 4.3.0 Local error in processing\r\n"u8,
        _ => "451 4.3.0 Local error in processing\r\n"u8,
    };
}
