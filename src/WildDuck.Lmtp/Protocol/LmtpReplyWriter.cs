// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace WildDuck.Lmtp.Protocol;

/// <summary>Writes LMTP replies (RFC 5321 §4.2) into an <see cref="IBufferWriter{T}"/> without allocating.</summary>
internal static class LmtpReplyWriter
{
    /// <summary>Writes a fixed reply.</summary>
    public static void Write(IBufferWriter<byte> output, LmtpReply reply) => output.Write(LmtpStrings.Line(reply));

    /// <summary>
    /// Writes a reply from the delivery agent: <c>code SP enhanced SP text CRLF</c>. A code outside
    /// 200–599 becomes a local error; CR, LF and other controls in the text become spaces so the
    /// reply stays one line (RFC 5321 §4.2.1).
    /// </summary>
    public static void Write(IBufferWriter<byte> output, in SmtpReply reply)
    {
        if (reply.Code is < 200 or > 599 || !IsEnhancedCode(reply.EnhancedCode, reply.Code) || reply.Text is null)
        {
            Write(output, LmtpReply.LocalError);
            return;
        }

        var text = reply.Text.AsSpan();
        var size = 3 + 1 + reply.EnhancedCode.Length + 1 + Encoding.UTF8.GetMaxByteCount(text.Length) + 2;
        var span = output.GetSpan(size);
        Utf8Formatter.TryFormat(reply.Code, span, out var written);
        span[written++] = (byte)' ';
        written += Encoding.ASCII.GetBytes(reply.EnhancedCode, span[written..]);
        span[written++] = (byte)' ';
        var start = written;
        written += Encoding.UTF8.GetBytes(text, span[written..]);
        foreach (ref var b in span[start..written])
        {
            if (b < (byte)' ' || b == 0x7F)
            {
                b = (byte)' ';
            }
        }

        span[written++] = (byte)'\r';
        span[written++] = (byte)'\n';
        output.Advance(written);
    }

    /// <summary>The greeting (RFC 5321 §4.3.1): <c>220 host LMTP WildDuck.Core ready</c>; no enhanced code (RFC 2034 §3).</summary>
    public static void WriteGreeting(IBufferWriter<byte> output, ReadOnlySpan<byte> hostname)
    {
        output.Write("220 "u8);
        output.Write(hostname);
        output.Write(" LMTP WildDuck.Core ready\r\n"u8);
    }

    /// <summary>The LHLO response (RFC 2033 §4.1, RFC 1869 §4.3): host name, then one extension per line, SIZE last.</summary>
    public static void WriteLhlo(IBufferWriter<byte> output, ReadOnlySpan<byte> hostname, long maxMessageSize, bool startTls)
    {
        output.Write("250-"u8);
        output.Write(hostname);
        output.Write(LmtpStrings.Crlf);
        output.Write(LmtpStrings.Capabilities);
        if (startTls)
        {
            output.Write(LmtpStrings.StartTlsCapability);
        }

        output.Write(LmtpStrings.SizeCapability);
        WriteNumber(output, maxMessageSize);
        output.Write(LmtpStrings.Crlf);
    }

    /// <summary>The reply to a non-final BDAT chunk: <c>250 2.0.0 n octets received</c>.</summary>
    public static void WriteChunkReceived(IBufferWriter<byte> output, long size)
    {
        output.Write("250 2.0.0 "u8);
        WriteNumber(output, size);
        output.Write(" octets received\r\n"u8);
    }

    private static void WriteNumber(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }

    private static bool IsEnhancedCode(string? code, int replyCode)
    {
        // RFC 3463 §2: class "." subject "." detail; the class matches the reply's first digit.
        if (string.IsNullOrEmpty(code) || code.Length > 11 || code[0] - '0' != replyCode / 100 || code[1] != '.')
        {
            return false;
        }

        var dots = 0;
        foreach (var c in code)
        {
            if (c == '.')
            {
                dots++;
            }
            else if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return dots == 2 && code[^1] != '.' && !code.Contains("..", StringComparison.Ordinal);
    }
}
