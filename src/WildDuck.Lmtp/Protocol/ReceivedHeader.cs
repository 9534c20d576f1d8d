// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WildDuck.Lmtp.Protocol;

/// <summary>
/// Builds the <c>Received:</c> trace field (RFC 5321 §4.4, RFC 5322 §3.6.7) for one transaction:
/// <c>from &lt;LHLO name&gt; ([ip]) by &lt;host&gt; with &lt;protocol&gt; id &lt;id&gt; [for &lt;rcpt&gt;]; &lt;date&gt;</c>.
/// </summary>
internal static class ReceivedHeader
{
    private static ReadOnlySpan<byte> Days => "SunMonTueWedThuFriSat"u8;

    private static ReadOnlySpan<byte> Months => "JanFebMarAprMayJunJulAugSepOctNovDec"u8;

    /// <summary>The <c>with</c> protocol: LMTP or LMTPS (RFC 3848), UTF8LMTP or UTF8LMTPS with SMTPUTF8 (RFC 6531 §3.7.3).</summary>
    public static ReadOnlySpan<byte> Protocol(bool secure, bool utf8) => (secure, utf8) switch
    {
        (false, false) => "LMTP"u8,
        (true, false) => "LMTPS"u8,
        (false, true) => "UTF8LMTP"u8,
        (true, true) => "UTF8LMTPS"u8,
    };

    /// <summary>Writes the whole field with its final CRLF; <paramref name="recipient"/> is named only when there is exactly one (RFC 5321 §4.4: privacy).</summary>
    public static void Write(
        IBufferWriter<byte> output,
        ReadOnlySpan<byte> lhloName,
        EndPoint? remote,
        ReadOnlySpan<byte> hostname,
        ReadOnlySpan<byte> protocol,
        ReadOnlySpan<char> id,
        string? recipient,
        DateTimeOffset now)
    {
        output.Write("Received: from "u8);
        output.Write(lhloName);
        if (remote is IPEndPoint ip)
        {
            // RFC 5321 §4.4 TCP-info: the address literal of the connecting host (§4.1.3).
            output.Write(ip.Address.AddressFamily == AddressFamily.InterNetworkV6 ? " ([IPv6:"u8 : " (["u8);
            var span = output.GetSpan(64);
            ip.Address.TryFormat(span, out var written);
            output.Advance(written);
            output.Write("])"u8);
        }

        output.Write("\r\n\tby "u8);
        output.Write(hostname);
        output.Write(" (WildDuck.Core) with "u8);
        output.Write(protocol);
        output.Write(" id "u8);
        WriteAscii(output, id);
        if (recipient is not null)
        {
            output.Write("\r\n\tfor <"u8);
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(recipient.Length));
            output.Advance(Encoding.UTF8.GetBytes(recipient, span));
            output.Write(">"u8);
        }

        output.Write(";\r\n\t"u8);
        WriteDate(output, now);
        output.Write(LmtpStrings.Crlf);
    }

    /// <summary>An RFC 5322 §3.3 date-time, e.g. <c>Sun, 29 Nov 2026 03:39:02 +0000</c>.</summary>
    public static void WriteDate(IBufferWriter<byte> output, DateTimeOffset now)
    {
        var span = output.GetSpan(32);
        var day = (int)now.DayOfWeek * 3;
        Days.Slice(day, 3).CopyTo(span);
        span[3] = (byte)',';
        span[4] = (byte)' ';
        var n = 5;
        n += Two(span[n..], now.Day);
        span[n++] = (byte)' ';
        Months.Slice((now.Month - 1) * 3, 3).CopyTo(span[n..]);
        n += 3;
        span[n++] = (byte)' ';
        Utf8Formatter.TryFormat(now.Year, span[n..], out var written, new StandardFormat('D', 4));
        n += written;
        span[n++] = (byte)' ';
        n += Two(span[n..], now.Hour);
        span[n++] = (byte)':';
        n += Two(span[n..], now.Minute);
        span[n++] = (byte)':';
        n += Two(span[n..], now.Second);
        span[n++] = (byte)' ';
        var offset = (int)now.Offset.TotalMinutes;
        span[n++] = offset < 0 ? (byte)'-' : (byte)'+';
        offset = Math.Abs(offset);
        n += Two(span[n..], offset / 60);
        n += Two(span[n..], offset % 60);
        output.Advance(n);
    }

    private static int Two(Span<byte> span, int value)
    {
        span[0] = (byte)('0' + (value / 10));
        span[1] = (byte)('0' + (value % 10));
        return 2;
    }

    private static void WriteAscii(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        var span = output.GetSpan(text.Length);
        var written = Encoding.ASCII.GetBytes(text, span);
        output.Advance(written);
    }
}
